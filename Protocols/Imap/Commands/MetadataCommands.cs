using System.Text;
using Mail.Protocols.Imap.Acl;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Commands;

/// <summary>METADATA entry names (RFC 5464 §3.2): <c>/private/...</c> or <c>/shared/...</c>, case-insensitive.</summary>
internal static class ImapMetadataName
{
    /// <summary>
    /// Reads an entry name and returns it lower-cased. Refused (BAD): no <c>/private</c> or <c>/shared</c> root,
    /// <c>*</c> or <c>%</c>, two slashes in a row, a trailing slash, control or non-ASCII characters. The bare
    /// roots are valid only where <paramref name="allowRoot"/> (GETMETADATA with DEPTH).
    /// </summary>
    public static bool TryRead(ref ImapTokenizer t, bool allowRoot, out string name)
    {
        name = "";
        if (!t.TryReadAStringOctets(out var octets))
        {
            return false;
        }
        foreach (var b in octets)
        {
            if (b is < 0x21 or > 0x7E or (byte)'*' or (byte)'%')
            {
                return t.Fail("Invalid metadata entry name");
            }
        }
        name = Encoding.ASCII.GetString(octets).ToLowerInvariant();
        var rooted = name.StartsWith("/private/", StringComparison.Ordinal) || name.StartsWith("/shared/", StringComparison.Ordinal)
            || (allowRoot && name is "/private" or "/shared");
        if (!rooted || name.Contains("//", StringComparison.Ordinal) || (name.EndsWith('/') && name.Length > 1))
        {
            return t.Fail("Invalid metadata entry name");
        }
        return true;
    }

    /// <summary>Whether <paramref name="name"/> is <paramref name="requested"/> or below it within <paramref name="depth"/> levels (-1 = infinity).</summary>
    public static bool Matches(string name, string requested, int depth)
    {
        if (name == requested)
        {
            return true;
        }
        if (depth == 0 || !name.StartsWith(requested + "/", StringComparison.Ordinal))
        {
            return false;
        }
        return depth < 0 || !name.AsSpan(requested.Length + 1).Contains('/');
    }
}

/// <summary>
/// GETMETADATA [(MAXSIZE n DEPTH 0|1|infinity)] mailbox (entry ...) (RFC 5464 §4.2). Authenticated and
/// selected states; mailbox <c>""</c> names the server. Replies <c>* METADATA mailbox (entry value ...)</c>,
/// NIL for a requested entry that does not exist; values over MAXSIZE are left out and reported with
/// <c>OK [METADATA LONGENTRIES n]</c> (n = the largest left out). A missing mailbox: <c>NO [NONEXISTENT]</c>.
/// </summary>
public sealed class GetMetadataCommand : ImapCommand
{
    public const string WireName = "GETMETADATA";
    private readonly List<string> _entries = [];
    private string _mailbox = "";
    private long _maxSize = -1;
    private int _depth;

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space())
        {
            return false;
        }
        if (tokenizer.Peek() == '(' && !TryReadOptions(ref tokenizer))
        {
            return false;
        }
        if (!ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox) || !tokenizer.Space())
        {
            return false;
        }
        // RFC 5464's examples (and MailKit) put the options after the mailbox; its ABNF puts them before. Both are accepted.
        if (tokenizer.Peek() == '(' && tokenizer.PeekAt(1) is 'M' or 'm' or 'D' or 'd' && !TryReadOptions(ref tokenizer))
        {
            return false;
        }
        if (!tokenizer.TryOpenList())
        {
            // One entry; MailKit also sends several space-separated without parentheses, which is accepted.
            do
            {
                if (!ImapMetadataName.TryRead(ref tokenizer, allowRoot: true, out var single))
                {
                    return false;
                }
                _entries.Add(single);
            }
            while (tokenizer.TryConsume((byte)' '));
            return true;
        }
        while (!tokenizer.TryCloseList())
        {
            if (tokenizer.HasError || (_entries.Count > 0 && !tokenizer.Space()) || !ImapMetadataName.TryRead(ref tokenizer, allowRoot: true, out var entry))
            {
                return false;
            }
            _entries.Add(entry);
        }
        return _entries.Count > 0 || tokenizer.Fail("No entries requested");
    }

    /// <summary>Reads <c>(MAXSIZE n DEPTH d)</c> and the space after it.</summary>
    private bool TryReadOptions(ref ImapTokenizer tokenizer)
    {
        if (!tokenizer.TryOpenList())
        {
            return false;
        }
        var first = true;
        while (!tokenizer.TryCloseList())
        {
            if (tokenizer.HasError || (!first && !tokenizer.Space()) || !tokenizer.TryReadAtom(out var option) || !tokenizer.Space())
            {
                return false;
            }
            first = false;
            switch (Encoding.ASCII.GetString(option).ToUpperInvariant())
            {
                case "MAXSIZE":
                    if (!tokenizer.TryReadNumber(out _maxSize))
                    {
                        return false;
                    }
                    break;
                case "DEPTH":
                    if (!tokenizer.TryReadAtom(out var depth))
                    {
                        return false;
                    }
                    _depth = Encoding.ASCII.GetString(depth).ToUpperInvariant() switch
                    {
                        "0" => 0,
                        "1" => 1,
                        "INFINITY" => -1,
                        _ => -2,
                    };
                    if (_depth == -2)
                    {
                        return tokenizer.Fail("DEPTH must be 0, 1 or infinity");
                    }
                    break;
                default:
                    return tokenizer.Fail("Unknown GETMETADATA option");
            }
        }
        if (!tokenizer.Space())
        {
            return false;
        }
        return true;
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var store = session.Account!;
        var mailbox = _mailbox;
        if (ImapSharedNamespace.IsShared(_mailbox))
        {
            // RFC 5464 §4.2 with RFC 4314: reading annotations of another user's mailbox needs r.
            var target = await session.ResolveMailboxAsync(_mailbox, cancellationToken);
            if (ImapCommandHelpers.Require(target, MailboxRights.Read) is { } denied)
            {
                return denied;
            }
            (store, mailbox) = (target!.Store, target.StoreName);
        }
        var all = await store.GetMetadataAsync(mailbox, session.User!, cancellationToken);
        if (all is null)
        {
            return ImapCommandResult.No("No such mailbox", "NONEXISTENT");
        }
        var o = session.Out;
        long longest = 0;
        var written = 0;
        o.Raw("* METADATA "u8);
        ImapCommandHelpers.WriteMailbox(session, _mailbox);
        o.Raw(" ("u8);
        foreach (var requested in _entries)
        {
            var found = false;
            foreach (var entry in all.Where(e => ImapMetadataName.Matches(e.Name, requested, _depth)))
            {
                found = true;
                if (_maxSize >= 0 && entry.Value!.Length > _maxSize)
                {
                    longest = Math.Max(longest, entry.Value.Length);
                    continue;
                }
                Separator();
                o.Ascii(entry.Name).Space();
                WriteValue(o, entry.Value!);
            }
            if (!found && requested is not ("/private" or "/shared"))
            {
                Separator();
                o.Ascii(requested).Raw(" NIL"u8);
            }
        }
        o.Raw(")\r\n"u8);
        return longest > 0
            ? ImapCommandResult.Ok("GETMETADATA completed", "METADATA LONGENTRIES " + longest.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : ImapCommandResult.Ok("GETMETADATA completed");

        void Separator()
        {
            if (written++ > 0)
            {
                o.Space();
            }
        }
    }

    /// <summary>A value as a quoted string or literal, or a literal8 (RFC 3516) when it holds NUL.</summary>
    private static void WriteValue(ImapResponseWriter o, byte[] value)
    {
        if (value.AsSpan().Contains((byte)0))
        {
            o.Raw("~"u8).Literal(value);
            return;
        }
        o.StringOctets(value);
    }
}

/// <summary>
/// SETMETADATA mailbox (entry value ...) (RFC 5464 §4.3): sets, or with NIL removes, entries of a mailbox or
/// (<c>""</c>) of the server, all or nothing. Authenticated and selected states. Refusals:
/// <c>NO [METADATA MAXSIZE n]</c> (<see cref="StoreLimits.MaxMetadataValueOctets"/>),
/// <c>NO [METADATA TOOMANY]</c> (<see cref="StoreLimits.MaxMetadataEntries"/>), <c>NO [NONEXISTENT]</c>.
/// </summary>
public sealed class SetMetadataCommand : ImapCommand
{
    public const string WireName = "SETMETADATA";
    private readonly List<MetadataEntry> _changes = [];
    private string _mailbox = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox) || !tokenizer.Space() || !tokenizer.TryOpenList())
        {
            return tokenizer.HasError ? false : tokenizer.Fail("Expected (entry value ...)");
        }
        while (!tokenizer.TryCloseList())
        {
            if (tokenizer.HasError || (_changes.Count > 0 && !tokenizer.Space()) || !ImapMetadataName.TryRead(ref tokenizer, allowRoot: false, out var name) || !tokenizer.Space())
            {
                return false;
            }
            byte[]? value = null;
            if (!tokenizer.TryKeyword("NIL"u8))
            {
                // A string or literal8 (RFC 5464 §5); an atom is accepted too, as MailKit sends simple values unquoted.
                if (!tokenizer.TryReadAStringOctets(out var octets))
                {
                    return false;
                }
                value = octets.ToArray();
            }
            _changes.Add(new MetadataEntry(name, value));
        }
        return _changes.Count > 0 || tokenizer.Fail("No entries given");
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var store = session.Account!;
        var mailbox = _mailbox;
        if (ImapSharedNamespace.IsShared(_mailbox))
        {
            // RFC 5464 §4.3 with RFC 4314: private entries need l, shared entries (seen by every user) need w.
            var target = await session.ResolveMailboxAsync(_mailbox, cancellationToken);
            var needed = _changes.Any(c => c.Name.StartsWith("/shared", StringComparison.Ordinal)) ? MailboxRights.Write : MailboxRights.Lookup;
            if (ImapCommandHelpers.Require(target, needed) is { } denied)
            {
                return denied;
            }
            (store, mailbox) = (target!.Store, target.StoreName);
        }
        var (status, max) = await store.SetMetadataAsync(mailbox, session.User!, _changes, cancellationToken);
        return status switch
        {
            MetadataStatus.Ok => ImapCommandResult.Ok("SETMETADATA completed"),
            MetadataStatus.NoSuchMailbox => ImapCommandResult.No("No such mailbox", "NONEXISTENT"),
            MetadataStatus.TooLarge => ImapCommandResult.No("Value too large", "METADATA MAXSIZE " + max.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            MetadataStatus.TooMany => ImapCommandResult.No("Too many metadata entries", "METADATA TOOMANY"),
            _ => throw new InvalidOperationException("Unknown metadata status."),
        };
    }
}
