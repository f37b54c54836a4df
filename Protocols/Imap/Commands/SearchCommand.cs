using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Search;
using Mail.Protocols.Imap.Session;
using MimeKit;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// SEARCH [RETURN (MIN MAX COUNT ALL)] [CHARSET c] keys (RFC 9051 §6.4.4, ESEARCH RFC 4731). Selected
/// state. IMAP4rev1 sessions get <c>* SEARCH n...</c>; IMAP4rev2 sessions or RETURN options get
/// <c>* ESEARCH</c>. Charsets other than UTF-8/US-ASCII: <c>NO [BADCHARSET (UTF-8 US-ASCII)]</c>.
/// </summary>
public class SearchCommand : ImapCommand
{
    public const string WireName = "SEARCH";
    private ImapSearchKey? _program;
    private HashSet<string>? _return;
    private string? _charset;
    private string _tag = "";
    private ImapPartialRange? _partial;

    public override string Name => WireName;

    /// <summary>UID SEARCH: results are UIDs.</summary>
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
            if (!TryReadReturnOptions(ref tokenizer, allowSave: true, out _return, out _partial) || !tokenizer.Space())
            {
                return false;
            }
        }
        if (tokenizer.TryKeyword("CHARSET"u8))
        {
            if (!tokenizer.Space() || !tokenizer.TryReadAString(out var charset) || !tokenizer.Space())
            {
                return false;
            }
            _charset = charset;
        }
        return ImapSearchParser.TryReadProgram(ref tokenizer, out _program);
    }

    /// <summary>
    /// Reads <c>SP "(" [option *(SP option)] ")"</c> of a SEARCH or SORT RETURN (RFC 4731 §3.1, RFC 5267 §3.1 and §4,
    /// RFC 5182, RFC 9394 §3.1); an empty list means ALL. PARTIAL takes a range; PARTIAL with ALL, or either twice, is
    /// an error (RFC 9394 §3.1), as is SAVE in a SORT.
    /// </summary>
    internal static bool TryReadReturnOptions(ref ImapTokenizer tokenizer, bool allowSave, out HashSet<string> options, out ImapPartialRange? partial)
    {
        options = new HashSet<string>(StringComparer.Ordinal);
        partial = null;
        if (!tokenizer.Space() || !tokenizer.TryOpenList())
        {
            return tokenizer.Fail("Expected RETURN (...)");
        }
        var first = true;
        while (!tokenizer.TryCloseList())
        {
            if ((!first && !tokenizer.Space()) || !tokenizer.TryReadAtom(out var option))
            {
                return false;
            }
            first = false;
            var name = Encoding.ASCII.GetString(option).ToUpperInvariant();
            if (name is not ("MIN" or "MAX" or "COUNT" or "ALL" or "UPDATE" or "PARTIAL") && !(allowSave && name == "SAVE"))
            {
                return tokenizer.Fail("Unknown RETURN option " + name);
            }
            if (name is "ALL" or "PARTIAL" && (options.Contains("ALL") || options.Contains("PARTIAL")))
            {
                return tokenizer.Fail("RETURN takes one ALL or one PARTIAL");
            }
            if (name == "PARTIAL")
            {
                if (!tokenizer.Space() || !tokenizer.TryReadAtom(out var range) || !ImapPartialRange.TryParse(range, out var parsed))
                {
                    return tokenizer.Fail("PARTIAL needs a range m:n or -m:-n of non-zero numbers");
                }
                partial = parsed;
            }
            options.Add(name);
        }
        if (options.Count == 0)
        {
            options.Add("ALL");
        }
        return true;
    }

    /// <summary>
    /// Writes <c> PARTIAL (range set)</c> (RFC 9394 §3.1): the requested range, then the results at those positions
    /// (<paramref name="numbers"/> in result order) as a sequence-set, or NIL when none is in range.
    /// </summary>
    internal static List<uint> WritePartial(ImapResponseWriter o, ImapPartialRange partial, IReadOnlyList<uint> numbers, bool sorted)
    {
        var (start, length) = partial.Slice(numbers.Count);
        var slice = new List<uint>(length);
        for (var i = start; i < start + length; i++)
        {
            slice.Add(numbers[i]);
        }
        o.Raw(" PARTIAL ("u8).Ascii(partial.ToString()).Space();
        if (slice.Count == 0)
        {
            o.Nil();
        }
        else
        {
            o.Ascii(sorted ? ImapSequenceSet.FormatInOrder(slice) : ImapSequenceSet.Format(slice));
        }
        o.Raw(")"u8);
        return slice;
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (_charset is not null && !_charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !_charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
        {
            return ImapCommandResult.No("Unsupported charset", "BADCHARSET (UTF-8 US-ASCII)");
        }
        var messages = session.Selected!.Messages;
        if (_program!.UsesModSeq)
        {
            await session.EnableCondStoreAsync(cancellationToken);
        }
        var results = new List<uint>();
        var modseqs = new List<ulong>();
        foreach (var i in await MatchAsync(session, messages, _program, cancellationToken))
        {
            results.Add(ByUid ? messages[i].Uid : (uint)(i + 1));
            modseqs.Add(messages[i].ModSeq);
        }

        if (_return?.Contains("UPDATE") == true)
        {
            var updates = session.Selected!.SearchUpdates;
            if (updates.Count >= session.Server.Options.Limits.MaxSearchUpdates)
            {
                return ImapCommandResult.No("Too many search updates", "NOUPDATE \"" + _tag + "\"");
            }
            updates.Add(new ImapSearchUpdate(_tag, ByUid, _program, results.Select(n => ByUid ? n : messages[(int)n - 1].Uid)));
        }
        if (_return?.Contains("SAVE") == true)
        {
            session.Selected!.SavedUids = SavedResults(results).Select(n => ByUid ? n : messages[(int)n - 1].Uid).ToHashSet();
            if (_return.Count == 1)
            {
                // RFC 5182 §2.1: SAVE alone produces no ESEARCH response.
                return ImapCommandResult.Ok(Name + " completed");
            }
        }
        var o = session.Out;
        if (_return is null && !session.Rev2)
        {
            o.Raw("* SEARCH"u8);
            foreach (var n in results)
            {
                o.Space().Number(n);
            }
            if (_program.UsesModSeq && results.Count > 0)
            {
                o.Raw(" (MODSEQ "u8).Number(modseqs.Max()).Raw(")"u8);
            }
            o.Crlf();
        }
        else
        {
            var options = _return ?? ["ALL"];
            o.Raw("* ESEARCH (TAG "u8).String(_tag).Raw(")"u8);
            if (ByUid)
            {
                o.Raw(" UID"u8);
            }
            if (options.Contains("MIN") && results.Count > 0)
            {
                o.Raw(" MIN "u8).Number(results[0]);
            }
            if (options.Contains("MAX") && results.Count > 0)
            {
                o.Raw(" MAX "u8).Number(results[^1]);
            }
            if (options.Contains("COUNT"))
            {
                o.Raw(" COUNT "u8).Number(results.Count);
            }
            if (options.Contains("ALL") && results.Count > 0)
            {
                o.Raw(" ALL "u8).Ascii(ImapSequenceSet.Format(results));
            }
            if (_partial is { } partial)
            {
                WritePartial(o, partial, results, sorted: false);
            }
            if (_program.UsesModSeq && results.Count > 0)
            {
                // RFC 7162 §3.1.5 / RFC 4731: with only MIN/MAX, the highest MODSEQ of those messages.
                var highest = options.Contains("ALL") || options.Contains("COUNT")
                    ? modseqs.Max()
                    : Math.Max(options.Contains("MIN") ? modseqs[0] : 0, options.Contains("MAX") ? modseqs[^1] : 0);
                o.Raw(" MODSEQ "u8).Number(highest);
            }
            o.Crlf();
        }
        return ImapCommandResult.Ok(Name + " completed");
    }

    /// <summary>
    /// What SAVE keeps (RFC 9394 §3.2, RFC 5182 §2.4): with PARTIAL and without COUNT, the PARTIAL results plus the MIN
    /// and MAX messages asked for; otherwise every result.
    /// </summary>
    private List<uint> SavedResults(List<uint> results)
    {
        if (_partial is not { } partial || _return!.Contains("COUNT"))
        {
            return results;
        }
        var (start, length) = partial.Slice(results.Count);
        var saved = results.GetRange(start, length);
        if (results.Count > 0 && _return.Contains("MIN") && (length == 0 || start > 0))
        {
            saved.Insert(0, results[0]);
        }
        if (results.Count > 0 && _return.Contains("MAX") && (length == 0 || start + length < results.Count))
        {
            saved.Add(results[^1]);
        }
        return saved;
    }

    /// <summary>Indexes into <paramref name="messages"/> (the selected snapshot) of the messages matching <paramref name="program"/>, ascending.</summary>
    internal static async ValueTask<List<int>> MatchAsync(ImapSession session, IReadOnlyList<Store.MessageRecord> messages, ImapSearchKey program, CancellationToken cancellationToken)
    {
        if (program.Kind == ImapSearchKind.All)
        {
            // SEARCH ALL: every message, without evaluating 100,000 candidates.
            var all = new List<int>(messages.Count);
            for (var i = 0; i < messages.Count; i++)
            {
                all.Add(i);
            }
            return all;
        }
        var selected = session.Selected!;
        var account = session.Selected!.Store;
        var evaluator = new ImapSearchEvaluator(program);
        var needsContent = program.NeedsContent;
        Dictionary<ImapSearchKey, IReadOnlySet<uint>>? textMatches = null;
        foreach (var key in program.TextKeys)
        {
            textMatches ??= new Dictionary<ImapSearchKey, IReadOnlySet<uint>>(ReferenceEqualityComparer.Instance);
            if (!textMatches.ContainsKey(key))
            {
                var scope = key.Kind == ImapSearchKind.Body ? Store.TextSearchScope.Body : Store.TextSearchScope.Text;
                textMatches[key] = await account.SearchTextAsync(selected.Id, key.Value, scope, cancellationToken);
            }
        }
        if (textMatches is not null && IsTextOnly(program))
        {
            return MatchText(messages, [.. program.TextKeys.Select(k => textMatches[k])]);
        }
        var maxUid = messages.Count == 0 ? 0 : messages[^1].Uid;
        var matches = new List<int>();
        for (var i = 0; i < messages.Count; i++)
        {
            var record = messages[i];
            MimeMessage? mime = null;
            if (needsContent)
            {
                mime = await LoadAsync(account, selected.Id, record.Uid, cancellationToken);
            }
            var candidate = new ImapSearchEvaluator.Candidate
            {
                Record = record,
                Sequence = (uint)(i + 1),
                MaxSequence = (uint)messages.Count,
                MaxUid = maxUid,
                IsRecent = selected.Recent.Contains(record.Uid),
                SavedUids = selected.SavedUids,
                TextMatches = textMatches,
                Message = mime,
            };
            if (evaluator.Matches(candidate))
            {
                matches.Add(i);
            }
        }
        return matches;
    }

    /// <summary>BODY/TEXT keys alone or ANDed: the answer is the intersection of the index's UID sets.</summary>
    private static bool IsTextOnly(ImapSearchKey key) =>
        key.Kind is ImapSearchKind.Body or ImapSearchKind.Text || (key.Kind == ImapSearchKind.And && key.Children.Count > 0 && key.Children.All(IsTextOnly));

    /// <summary>
    /// Indexes of the snapshot's messages whose UID is in every set: the smallest set's UIDs are looked up in the
    /// snapshot (ascending UIDs, binary search), so a rare word over a large mailbox costs its hits, not the mailbox.
    /// </summary>
    private static List<int> MatchText(IReadOnlyList<Store.MessageRecord> messages, List<IReadOnlySet<uint>> sets)
    {
        sets.Sort((a, b) => a.Count.CompareTo(b.Count));
        var matches = new List<int>(sets[0].Count);
        foreach (var uid in sets[0])
        {
            int low = 0, high = messages.Count - 1;
            while (low <= high)
            {
                var mid = low + ((high - low) / 2);
                var at = messages[mid].Uid;
                if (at == uid)
                {
                    if (sets.Skip(1).All(s => s.Contains(uid)))
                    {
                        matches.Add(mid);
                    }
                    break;
                }
                if (at < uid)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid - 1;
                }
            }
        }
        matches.Sort();
        return matches;
    }

    private static async ValueTask<MimeMessage?> LoadAsync(Store.IAccountStore account, long mailboxId, uint uid, CancellationToken cancellationToken)
    {
        var stream = await account.OpenMessageAsync(mailboxId, uid, cancellationToken);
        if (stream is null)
        {
            return null;
        }
        await using (stream)
        {
            try
            {
                return await MimeMessage.LoadAsync(stream, cancellationToken);
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}

/// <summary>UID SEARCH (RFC 9051 §6.4.9): SEARCH returning UIDs. Selected state.</summary>
public sealed class UidSearchCommand : SearchCommand
{
    public new const string WireName = "UID SEARCH";

    public override string Name => WireName;

    protected override bool ByUid => true;
}
