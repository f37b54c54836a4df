using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// LIST [(selection)] reference pattern(s) [RETURN (options)] (RFC 9051 §6.3.9, RFC 5258
/// LIST-EXTENDED, RFC 6154 SPECIAL-USE, RFC 5819 LIST-STATUS). Authenticated or selected state.
/// <c>%</c> matches within one level, <c>*</c> across levels; <c>LIST "" ""</c> returns the
/// hierarchy delimiter. Attributes: \HasChildren/\HasNoChildren, special-use, \Subscribed.
/// </summary>
public partial class ListCommand : ImapCommand
{
    public const string WireName = "LIST";
    private readonly List<string> _patterns = [];
    private string _reference = "";
    private bool _selectSubscribed;
    private bool _selectSpecialUse;
    private bool _recursiveMatch;
    private bool _returnSubscribed;
    private List<string>? _returnStatus;

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space())
        {
            return false;
        }
        if (tokenizer.Peek() == '(')
        {
            if (!ReadOptions(ref tokenizer, out var selection) || !tokenizer.Space())
            {
                return false;
            }
            foreach (var option in selection)
            {
                if (option is not ("SUBSCRIBED" or "REMOTE" or "RECURSIVEMATCH" or "SPECIAL-USE"))
                {
                    return tokenizer.Fail("Unknown LIST selection option " + option);
                }
            }
            _selectSubscribed = selection.Contains("SUBSCRIBED");
            _selectSpecialUse = selection.Contains("SPECIAL-USE");
            _recursiveMatch = selection.Contains("RECURSIVEMATCH");
            if (_recursiveMatch && !_selectSubscribed && !_selectSpecialUse)
            {
                // RFC 5258 §3: RECURSIVEMATCH needs another selection option (REMOTE does not count).
                return tokenizer.Fail("RECURSIVEMATCH requires another selection option");
            }
        }
        if (!tokenizer.TryReadAString(out _reference) || !tokenizer.Space())
        {
            return false;
        }
        if (tokenizer.TryOpenList())
        {
            while (!tokenizer.TryCloseList())
            {
                if ((_patterns.Count > 0 && !tokenizer.Space()) || !tokenizer.TryReadListMailbox(out var p))
                {
                    return false;
                }
                _patterns.Add(p);
            }
        }
        else
        {
            if (!tokenizer.TryReadListMailbox(out var p))
            {
                return false;
            }
            _patterns.Add(p);
        }
        if (tokenizer.TryConsume((byte)' '))
        {
            if (!tokenizer.TryKeyword("RETURN"u8) || !tokenizer.Space() || !tokenizer.TryOpenList())
            {
                return tokenizer.Fail("Expected RETURN (...)");
            }
            var first = true;
            while (!tokenizer.TryCloseList())
            {
                if ((!first && !tokenizer.Space()) || !tokenizer.TryReadAtom(out var atom))
                {
                    return false;
                }
                first = false;
                var option = Encoding.ASCII.GetString(atom).ToUpperInvariant();
                if (option == "SUBSCRIBED")
                {
                    _returnSubscribed = true;
                }
                else if (option == "STATUS")
                {
                    if (!tokenizer.Space() || !StatusCommand.TryReadItems(ref tokenizer, out var items))
                    {
                        return false;
                    }
                    _returnStatus = items;
                }
                else if (option is not ("CHILDREN" or "SPECIAL-USE"))
                {
                    return tokenizer.Fail("Unknown LIST return option " + option);
                }
            }
        }
        return true;
    }

    private static bool ReadOptions(ref ImapTokenizer tokenizer, out HashSet<string> options)
    {
        options = new HashSet<string>(StringComparer.Ordinal);
        if (!tokenizer.TryOpenList())
        {
            return false;
        }
        while (!tokenizer.TryCloseList())
        {
            if ((options.Count > 0 && !tokenizer.Space()) || !tokenizer.TryReadAtom(out var atom))
            {
                return false;
            }
            options.Add(Encoding.ASCII.GetString(atom).ToUpperInvariant());
        }
        return true;
    }

    /// <summary>The untagged response name (LIST or LSUB).</summary>
    protected virtual ReadOnlySpan<byte> ResponseName => "* LIST ("u8;

    /// <summary>LSUB lists subscriptions only.</summary>
    protected virtual bool SubscribedOnly => _selectSubscribed;

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var account = session.Account!;
        if (_patterns.Count == 1 && _patterns[0].Length == 0)
        {
            // RFC 9051 §6.3.9: an empty pattern returns the delimiter and the root of the reference.
            session.Out.Raw(ResponseName).Raw("\\Noselect) \"/\" \"\"\r\n"u8);
            return ImapCommandResult.Ok(Name + " completed");
        }
        var (targets, allNames, noSelect) = await ListAllAsync(session, cancellationToken);
        var subscribed = new HashSet<string>(await account.ListSubscriptionsAsync(cancellationToken), StringComparer.Ordinal);
        var existing = targets.ToDictionary(t => t.Key, t => t.Value.Info!, StringComparer.Ordinal);
        var matchers = _patterns.Select(p => ImapMailboxName.FromWire(_reference + p, session.Utf8)).ToList();

        var lsub = this is LsubCommand;
        bool Matches(string name) => matchers.Any(p => ImapWildcard.Matches(p, name));
        IEnumerable<string> names;
        if (SubscribedOnly)
        {
            // Subscribed names, plus their ancestors: LSUB lists a %-level above a subscription as
            // \Noselect (RFC 3501 §6.3.9); RECURSIVEMATCH lists it with CHILDINFO (RFC 5258 §3.5).
            var candidates = new SortedSet<string>(subscribed, StringComparer.Ordinal);
            if (_recursiveMatch || lsub)
            {
                foreach (var s in subscribed)
                {
                    for (var slash = s.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = s.IndexOf('/', slash + 1))
                    {
                        candidates.Add(s[..slash]);
                    }
                }
            }
            names = candidates;
        }
        else
        {
            names = allNames;
        }
        foreach (var name in names)
        {
            if (!Matches(name))
            {
                continue;
            }
            existing.TryGetValue(name, out var info);
            var isSubscribed = subscribed.Contains(name);
            var prefix = name + "/";
            var childInfo = false;
            if (SubscribedOnly && !isSubscribed)
            {
                if (lsub)
                {
                    if (!_patterns.Any(p => p.EndsWith('%')))
                    {
                        continue;
                    }
                }
                else
                {
                    childInfo = subscribed.Any(s => s.StartsWith(prefix, StringComparison.Ordinal) && !Matches(s));
                    if (!childInfo)
                    {
                        continue;
                    }
                }
            }
            else if (_recursiveMatch && SubscribedOnly)
            {
                childInfo = subscribed.Any(s => s.StartsWith(prefix, StringComparison.Ordinal) && !Matches(s));
            }
            if (_selectSpecialUse && info?.SpecialUse is null or SpecialUse.None)
            {
                continue;
            }
            var o = session.Out;
            o.Raw(ResponseName);
            var attrs = new List<string>();
            if (lsub)
            {
                if (!isSubscribed || info is null)
                {
                    attrs.Add("\\Noselect");
                }
            }
            else
            {
                if (noSelect.Contains(name))
                {
                    attrs.Add("\\Noselect");
                    attrs.Add("\\HasChildren");
                }
                else if (info is null)
                {
                    attrs.Add("\\NonExistent");
                }
                else
                {
                    attrs.Add(allNames.Any(m => m.StartsWith(prefix, StringComparison.Ordinal)) ? "\\HasChildren" : "\\HasNoChildren");
                    if (info.SpecialUse != SpecialUse.None)
                    {
                        attrs.Add("\\" + info.SpecialUse);
                    }
                }
                if ((_returnSubscribed || _selectSubscribed) && isSubscribed)
                {
                    attrs.Add("\\Subscribed");
                }
            }
            o.Ascii(string.Join(' ', attrs)).Raw(") \"/\" "u8);
            ImapCommandHelpers.WriteMailbox(session, name);
            if (childInfo)
            {
                o.Raw(" (\"CHILDINFO\" (\"SUBSCRIBED\"))"u8);
            }
            o.Crlf();
            if (_returnStatus is not null && targets.TryGetValue(name, out var target) && target.Has(MailboxRights.Read))
            {
                await StatusCommand.WriteStatusAsync(session, target, _returnStatus, cancellationToken);
            }
        }
        return ImapCommandResult.Ok(Name + " completed");
    }
}

public partial class ListCommand
{
    /// <summary>
    /// The mailboxes the user may list: its own (every right) and, in the "Other Users" namespace, those
    /// others shared with it with right <c>l</c> (RFC 4314 §4), keyed by the client-visible name; every
    /// name in listing order (own first); and the \Noselect levels that lead to shared mailboxes
    /// (<c>Other Users</c>, <c>Other Users/owner</c>, parents the user may not see).
    /// </summary>
    private static async ValueTask<(Dictionary<string, ImapMailboxTarget> Targets, List<string> Names, HashSet<string> NoSelect)> ListAllAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var account = session.Account!;
        var targets = new Dictionary<string, ImapMailboxTarget>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var info in await account.ListMailboxesAsync(cancellationToken))
        {
            targets[info.Name] = new ImapMailboxTarget(account, account.Account, info.Name, info.Name, info, MailboxRights.All, IsShared: false);
            names.Add(info.Name);
        }
        var noSelect = new HashSet<string>(StringComparer.Ordinal);
        var shared = await session.ListSharedAsync(cancellationToken);
        if (shared.Count == 0)
        {
            return (targets, names, noSelect);
        }
        var sharedNames = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var target in shared)
        {
            targets[target.Name] = target;
            sharedNames.Add(target.Name);
        }
        foreach (var target in shared)
        {
            foreach (var parent in MailboxName.Parents(target.Name))
            {
                if (!targets.ContainsKey(parent))
                {
                    noSelect.Add(parent);
                    sharedNames.Add(parent);
                }
            }
        }
        names.AddRange(sharedNames);
        return (targets, names, noSelect);
    }
}

/// <summary>LSUB reference pattern (RFC 3501 §6.3.9; deprecated by RFC 9051 but kept for IMAP4rev1 clients): subscribed names. Authenticated or selected state.</summary>
public sealed class LsubCommand : ListCommand
{
    public new const string WireName = "LSUB";

    public override string Name => WireName;

    protected override ReadOnlySpan<byte> ResponseName => "* LSUB ("u8;

    protected override bool SubscribedOnly => true;
}
