using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Search;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;
using MimeKit;
using MimeKit.Utils;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// SORT (criteria) charset search-keys (RFC 5256 §3; DISPLAYFROM/DISPLAYTO from RFC 5957). Selected
/// state. Criteria ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO, each optionally
/// preceded by REVERSE; ties fall back to ascending sequence order. Strings compare with
/// i;ascii-casemap; SUBJECT uses the base subject (RFC 5256 §2.1); DATE falls back to INTERNALDATE.
/// Charsets other than UTF-8/US-ASCII: <c>NO [BADCHARSET]</c>. <c>RETURN (UPDATE)</c> (CONTEXT=SORT, RFC 5267 §4) keeps
/// the sorted result live: later changes come as <c>ADDTO</c>/<c>REMOVEFROM</c> with positions in the sorted result.
/// </summary>
public class SortCommand : ImapCommand
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

    /// <summary>
    /// Puts <paramref name="matches"/> (indexes into <paramref name="messages"/>, the selected snapshot) in this command's
    /// sort order; ties keep snapshot order. Also re-sorts a SORT RETURN (UPDATE) result (RFC 5267 §4).
    /// </summary>
    internal async ValueTask<List<int>> OrderAsync(ImapSession session, IReadOnlyList<MessageRecord> messages, IReadOnlyList<int> matches, CancellationToken cancellationToken)
    {
        var needHeaders = _criteria.Any(c => c.Key is not ("ARRIVAL" or "SIZE"));
        if (!needHeaders)
        {
            return OrderByIndex(messages, matches);
        }
        var keys = new List<SortKeys>(matches.Count);
        foreach (var index in matches)
        {
            var headers = needHeaders ? await LoadHeadersAsync(session, messages[index].Uid, cancellationToken) : null;
            keys.Add(new SortKeys(index, messages[index], headers));
        }
        keys.Sort(Compare);
        return keys.ConvertAll(k => k.Index);
    }

    /// <summary>
    /// ARRIVAL and SIZE only: sorts on values already in the snapshot, without reading any message. When the matches
    /// are already in the order asked for (INTERNALDATE rising with the UID, the usual case), no sort runs at all.
    /// </summary>
    private List<int> OrderByIndex(IReadOnlyList<MessageRecord> messages, IReadOnlyList<int> matches)
    {
        if (matches.Count == messages.Count && messages is Session.Views.ImapMessageView { SortCache: { } cache })
        {
            // The whole mailbox (matches are then 0..n-1): once per set of messages, shared by the sessions.
            var key = string.Join(' ', _criteria.Select(c => c.Reverse ? "REVERSE " + c.Key : c.Key));
            return [.. cache.GetOrAdd(key, _ => [.. SortIndexes(messages, matches)])];
        }
        return SortIndexes(messages, matches);
    }

    private List<int> SortIndexes(IReadOnlyList<MessageRecord> messages, IReadOnlyList<int> matches)
    {
        var n = matches.Count;
        var values = new long[_criteria.Count][];
        for (var c = 0; c < _criteria.Count; c++)
        {
            var column = values[c] = new long[n];
            var arrival = _criteria[c].Key == "ARRIVAL";
            for (var i = 0; i < n; i++)
            {
                var record = messages[matches[i]];
                column[i] = arrival ? record.InternalDate.UtcTicks : record.SizeOctets;
            }
        }
        int CompareAt(int x, int y)
        {
            for (var c = 0; c < _criteria.Count; c++)
            {
                var r = values[c][x].CompareTo(values[c][y]);
                if (r != 0)
                {
                    return _criteria[c].Reverse ? -r : r;
                }
            }
            return x.CompareTo(y);
        }
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }
        var sorted = true;
        for (var i = 1; i < n && sorted; i++)
        {
            sorted = CompareAt(i - 1, i) < 0;
        }
        if (!sorted)
        {
            // REVERSE ARRIVAL over ascending dates without ties: the matches backwards.
            Array.Reverse(order);
            sorted = true;
            for (var i = 1; i < n && sorted; i++)
            {
                sorted = CompareAt(order[i - 1], order[i]) < 0;
            }
        }
        if (!sorted)
        {
            Array.Sort(order, CompareAt);
        }
        var result = new List<int>(n);
        foreach (var i in order)
        {
            result.Add(matches[i]);
        }
        return result;
    }

    private int Compare(SortKeys a, SortKeys b)
    {
        foreach (var (key, reverse) in _criteria)
        {
            var c = key switch
            {
                "ARRIVAL" => a.Record.InternalDate.UtcDateTime.CompareTo(b.Record.InternalDate.UtcDateTime),
                "SIZE" => a.Record.SizeOctets.CompareTo(b.Record.SizeOctets),
                "DATE" => a.Date.CompareTo(b.Date),
                "SUBJECT" => ImapBaseSubject.CompareCaseMap(a.BaseSubject, b.BaseSubject),
                "FROM" => ImapBaseSubject.CompareCaseMap(a.Mailbox(HeaderId.From), b.Mailbox(HeaderId.From)),
                "TO" => ImapBaseSubject.CompareCaseMap(a.Mailbox(HeaderId.To), b.Mailbox(HeaderId.To)),
                "CC" => ImapBaseSubject.CompareCaseMap(a.Mailbox(HeaderId.Cc), b.Mailbox(HeaderId.Cc)),
                "DISPLAYFROM" => ImapBaseSubject.CompareCaseMap(a.Display(HeaderId.From), b.Display(HeaderId.From)),
                "DISPLAYTO" => ImapBaseSubject.CompareCaseMap(a.Display(HeaderId.To), b.Display(HeaderId.To)),
                _ => 0,
            };
            if (c != 0)
            {
                return reverse ? -c : c;
            }
        }
        return a.Index.CompareTo(b.Index);
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

    /// <summary>The sort values of one message, computed on demand.</summary>
    private sealed class SortKeys(int index, MessageRecord record, HeaderList? headers)
    {
        private string? _baseSubject;
        private DateTime? _date;

        public int Index { get; } = index;

        public MessageRecord Record { get; } = record;

        public string BaseSubject => _baseSubject ??= ImapBaseSubject.Extract(headers?[HeaderId.Subject]);

        /// <summary>The Date header in UTC, or INTERNALDATE when missing or unparsable (RFC 5256 §3 DATE).</summary>
        public DateTime Date => _date ??= headers?[HeaderId.Date] is { } text && DateUtils.TryParse(text, out var date)
            ? date.UtcDateTime
            : Record.InternalDate.UtcDateTime;

        /// <summary>
        /// addr-mailbox of the first address (RFC 5256 §3 FROM/TO/CC): the local part, or for a group
        /// the group name (its ENVELOPE start-of-group entry).
        /// </summary>
        public string Mailbox(HeaderId id) => First(id) switch
        {
            MailboxAddress m => m.LocalPart,
            GroupAddress g => g.Name ?? "",
            _ => "",
        };

        /// <summary>Display name of the first address, else its addr-spec; a group's name (RFC 5957 §3.1).</summary>
        public string Display(HeaderId id) => First(id) switch
        {
            MailboxAddress m => string.IsNullOrEmpty(m.Name) ? m.Address : m.Name,
            GroupAddress g => g.Name ?? "",
            _ => "",
        };

        private InternetAddress? First(HeaderId id)
        {
            var header = headers?.FirstOrDefault(h => h.Id == id);
            return header is not null && InternetAddressList.TryParse(header.RawValue, out var list) ? list.FirstOrDefault() : null;
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
