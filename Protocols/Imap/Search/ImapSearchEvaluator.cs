using Mail.Protocols.Store;
using MimeKit;

namespace Mail.Protocols.Imap.Search;

/// <summary>
/// Evaluates a search program against one message (RFC 9051 §6.4.4). Header keys decode the message
/// with MimeKit and compare case-insensitively as substrings (content is loaded only when a key needs
/// it); BODY and TEXT are looked up in the sets the store's full-text index returned.
/// </summary>
public sealed class ImapSearchEvaluator
{
    private readonly ImapSearchKey _program;

    public ImapSearchEvaluator(ImapSearchKey program) => _program = program;

    /// <summary>The message being tested.</summary>
    public sealed class Candidate
    {
        public required MessageRecord Record { get; init; }

        public required uint Sequence { get; init; }

        public required uint MaxSequence { get; init; }

        public required uint MaxUid { get; init; }

        /// <summary>The UIDs <c>$</c> stands for (SEARCHRES).</summary>
        public IReadOnlySet<uint> SavedUids { get; init; } = new HashSet<uint>();

        /// <summary>The message is \Recent in the searching session.</summary>
        public bool IsRecent { get; init; }

        /// <summary>UIDs matching each BODY/TEXT key (by reference), from the full-text index.</summary>
        public IReadOnlyDictionary<ImapSearchKey, IReadOnlySet<uint>>? TextMatches { get; init; }

        /// <summary>The parsed message, when the program needs content (null if it could not be read).</summary>
        public MimeMessage? Message { get; init; }
    }

    /// <summary>True when the message matches.</summary>
    public bool Matches(Candidate c) => Eval(_program, c);

    private static bool Eval(ImapSearchKey key, Candidate c)
    {
        var r = c.Record;
        switch (key.Kind)
        {
            case ImapSearchKind.All: return true;
            case ImapSearchKind.None: return false;
            case ImapSearchKind.Recent: return c.IsRecent;
            case ImapSearchKind.EmailId: return r.EmailId.Equals(key.Value, StringComparison.Ordinal);
            case ImapSearchKind.ModSeq: return r.ModSeq >= (ulong)key.Size;
            case ImapSearchKind.And: return key.Children.All(k => Eval(k, c));
            case ImapSearchKind.Or: return Eval(key.Children[0], c) || Eval(key.Children[1], c);
            case ImapSearchKind.Not: return !Eval(key.Children[0], c);
            case ImapSearchKind.SequenceSet: return key.Set!.IsSaved ? c.SavedUids.Contains(r.Uid) : key.Set.Contains(c.Sequence, c.MaxSequence);
            case ImapSearchKind.UidSet: return key.Set!.IsSaved ? c.SavedUids.Contains(r.Uid) : key.Set.Contains(r.Uid, c.MaxUid);
            case ImapSearchKind.HasFlags: return (r.Flags & key.Flags) == key.Flags;
            case ImapSearchKind.LacksFlags: return (r.Flags & key.Flags) == 0;
            case ImapSearchKind.Keyword: return r.Keywords.Contains(key.Value, StringComparer.OrdinalIgnoreCase);
            case ImapSearchKind.Unkeyword: return !r.Keywords.Contains(key.Value, StringComparer.OrdinalIgnoreCase);
            case ImapSearchKind.Before: return r.InternalDate.Date < key.Date;
            case ImapSearchKind.On: return r.InternalDate.Date == key.Date;
            case ImapSearchKind.Since: return r.InternalDate.Date >= key.Date;
            case ImapSearchKind.SaveDateSupported: return true;
            // RFC 8514 §4.2: like BEFORE/ON/SINCE on the save date; a message without one matches none of them.
            case ImapSearchKind.SavedBefore: return r.SaveDate is { } sb0 && sb0.UtcDateTime.Date < key.Date;
            case ImapSearchKind.SavedOn: return r.SaveDate is { } so0 && so0.UtcDateTime.Date == key.Date;
            case ImapSearchKind.SavedSince: return r.SaveDate is { } ss0 && ss0.UtcDateTime.Date >= key.Date;
            case ImapSearchKind.Larger: return r.SizeOctets > key.Size;
            case ImapSearchKind.Smaller: return r.SizeOctets < key.Size;
            case ImapSearchKind.SentBefore: return SentDate(c) is { } sb && sb < key.Date;
            case ImapSearchKind.SentOn: return SentDate(c) is { } so && so == key.Date;
            case ImapSearchKind.SentSince: return SentDate(c) is { } ss && ss >= key.Date;
            case ImapSearchKind.Header: return HeaderContains(c.Message, key.Field, key.Value);
            case ImapSearchKind.Body:
            case ImapSearchKind.Text:
                return c.TextMatches is not null && c.TextMatches.TryGetValue(key, out var uids) && uids.Contains(r.Uid);
            default: throw new InvalidOperationException("Unknown search key.");
        }
    }

    private static DateTime? SentDate(Candidate c)
    {
        var message = c.Message;
        if (message is null || !message.Headers.Contains(HeaderId.Date))
        {
            return null;
        }
        // RFC 9051 §6.4.4: the Date header's date, disregarding time and timezone.
        return message.Date.Date;
    }

    private static bool HeaderContains(MimeMessage? message, string field, string value)
    {
        if (message is null)
        {
            return false;
        }
        foreach (var header in AllHeaders(message))
        {
            if (header.Field.Equals(field, StringComparison.OrdinalIgnoreCase)
                && (value.Length == 0 || header.Value.Contains(value, StringComparison.OrdinalIgnoreCase) || AddressesContain(header, value)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Address fields also match their parsed form (display name and addr-spec without comments,
    /// folding or quoting), so <c>FROM user@domain</c> finds <c>&lt;user (c)@ (c) domain&gt;</c>.
    /// </summary>
    private static bool AddressesContain(Header header, string value)
    {
        if (header.Id is not (HeaderId.From or HeaderId.To or HeaderId.Cc or HeaderId.Bcc or HeaderId.ReplyTo or HeaderId.Sender)
            || !InternetAddressList.TryParse(header.RawValue, out var list))
        {
            return false;
        }
        foreach (var mailbox in list.Mailboxes)
        {
            if (mailbox.Address.Contains(value, StringComparison.OrdinalIgnoreCase)
                || (mailbox.Name is { Length: > 0 } name && (name + " <" + mailbox.Address + ">").Contains(value, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The message header fields, including the Content-* fields MimeKit moves to the body entity.</summary>
    private static IEnumerable<Header> AllHeaders(MimeMessage message) =>
        message.Body is null ? message.Headers : message.Headers.Concat(message.Body.Headers);
}
