using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Search;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;
using MimeKit;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// SORT (criteria) charset search-keys (RFC 5256 §3; DISPLAYFROM/DISPLAYTO from RFC 5957). Selected
/// state. Criteria ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO, each optionally
/// preceded by REVERSE; ties fall back to ascending sequence order. Strings compare with
/// i;ascii-casemap; SUBJECT uses the base subject (RFC 5256 §2.1); DATE falls back to INTERNALDATE.
/// Charsets other than UTF-8/US-ASCII: <c>NO [BADCHARSET]</c>. <c>RETURN (UPDATE)</c> (CONTEXT=SORT, RFC 5267 §4) keeps
/// the sorted result live: later changes come as <c>ADDTO</c>/<c>REMOVEFROM</c> with positions in the sorted result.
/// </summary>
public partial class SortCommand : ImapCommand
{
    public const string WireName = "SORT";
    private readonly List<(string Key, bool Reverse)> _criteria = [];
    private ImapSearchKey? _program;
    private string _charset = "";
    private HashSet<string>? _return;
    private string _tag = "";
    private ImapPartialRange? _partial;

    public override string Name => WireName;

    /// <summary>UID SORT: the reply lists UIDs.</summary>
    protected virtual bool ByUid => false;

    public override bool AllowsExpunge => ByUid;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        _tag = session.CurrentTag;
        if (!tokenizer.Space())
        {
            return false;
        }
        if (tokenizer.TryKeyword("RETURN"u8))
        {
            // ESORT (RFC 5267 §3): RETURN (MIN MAX COUNT ALL) answered with ESEARCH; UPDATE keeps the result live
            // (CONTEXT=SORT, §4); PARTIAL pages the sorted result (RFC 9394 §3.1).
            if (!SearchCommand.TryReadReturnOptions(ref tokenizer, allowSave: false, out var options, out _partial) || !tokenizer.Space())
            {
                return false;
            }
            _return = options;
        }
        if (!tokenizer.TryOpenList())
        {
            return tokenizer.Fail("Expected sort criteria");
        }
        var reverse = false;
        while (!tokenizer.TryCloseList())
        {
            if ((_criteria.Count > 0 || reverse) && !tokenizer.Space())
            {
                return false;
            }
            if (!tokenizer.TryReadAtom(out var atom))
            {
                return false;
            }
            var key = Encoding.ASCII.GetString(atom).ToUpperInvariant();
            if (key == "REVERSE" && !reverse)
            {
                reverse = true;
                continue;
            }
            if (key is not ("ARRIVAL" or "CC" or "DATE" or "FROM" or "SIZE" or "SUBJECT" or "TO" or "DISPLAYFROM" or "DISPLAYTO"))
            {
                return tokenizer.Fail("Unknown sort criterion " + key);
            }
            _criteria.Add((key, reverse));
            reverse = false;
        }
        if (_criteria.Count == 0 || reverse)
        {
            return tokenizer.Fail("Empty sort criteria");
        }
        if (!tokenizer.Space() || !tokenizer.TryReadAString(out _charset) || !tokenizer.Space())
        {
            return false;
        }
        return ImapSearchParser.TryReadProgram(ref tokenizer, out _program);
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (!_charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !_charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
        {
            return ImapCommandResult.No("Unsupported charset", "BADCHARSET (UTF-8 US-ASCII)");
        }
        var messages = session.Selected!.Messages;
        var matches = await SearchCommand.MatchAsync(session, messages, _program!, cancellationToken);
        var keys = await OrderAsync(session, messages, matches, cancellationToken);
        if (_return?.Contains("UPDATE") == true)
        {
            var updates = session.Selected!.SearchUpdates;
            if (updates.Count >= session.Server.Options.Limits.MaxSearchUpdates)
            {
                return ImapCommandResult.No("Too many search updates", "NOUPDATE \"" + _tag + "\"");
            }
            var order = keys.Select(i => messages[i].Uid).ToList();
            updates.Add(new ImapSearchUpdate(_tag, ByUid, _program!, order) { Sort = this, Order = order });
        }
        var o = session.Out;
        if (_return is not null)
        {
            var numbers = keys.Select(i => ByUid ? messages[i].Uid : (uint)(i + 1)).ToList();
            o.Raw("* ESEARCH (TAG "u8).String(_tag).Raw(")"u8);
            if (ByUid)
            {
                o.Raw(" UID"u8);
            }
            if (_return.Contains("MIN") && numbers.Count > 0)
            {
                o.Raw(" MIN "u8).Number(numbers[0]);
            }
            if (_return.Contains("MAX") && numbers.Count > 0)
            {
                o.Raw(" MAX "u8).Number(numbers[^1]);
            }
            if (_return.Contains("COUNT"))
            {
                o.Raw(" COUNT "u8).Number(numbers.Count);
            }
            if (_return.Contains("ALL") && numbers.Count > 0)
            {
                o.Raw(" ALL "u8).Ascii(ImapSequenceSet.FormatInOrder(numbers));
            }
            if (_partial is { } partial)
            {
                // RFC 9394 §3.1 / RFC 5267 §4.4: positions m..n of the sorted result, in sort order; NIL when none is in range.
                SearchCommand.WritePartial(o, partial, numbers, sorted: true);
            }
            o.Crlf();
            return ImapCommandResult.Ok(Name + " completed");
        }
        o.Raw("* SORT"u8);
        foreach (var i in keys)
        {
            o.Space().Number(ByUid ? messages[i].Uid : (uint)(i + 1));
        }
        o.Crlf();
        return ImapCommandResult.Ok(Name + " completed");
    }

    /// <summary>Reads only the header of a message (null when it vanished meanwhile or does not parse).</summary>
    internal static async ValueTask<HeaderList?> LoadHeadersAsync(ImapSession session, uint uid, CancellationToken cancellationToken)
    {
        var stream = await session.Selected!.Store.OpenMessageAsync(session.Selected!.Id, uid, cancellationToken);
        if (stream is null)
        {
            return null;
        }
        await using (stream)
        {
            try
            {
                return await new MimeParser(stream, MimeFormat.Entity).ParseHeadersAsync(cancellationToken);
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}

/// <summary>UID SORT (RFC 5256 §3): SORT returning UIDs. Selected state.</summary>
public sealed class UidSortCommand : SortCommand
{
    public new const string WireName = "UID SORT";

    public override string Name => WireName;

    protected override bool ByUid => true;
}
