using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Search;

/// <summary>SEARCH keys (RFC 9051 §6.4.4); FROM/TO/CC/BCC/SUBJECT are <see cref="Header"/> keys.</summary>
public enum ImapSearchKind
{
    All,
    And,
    Or,
    Not,
    SequenceSet,
    UidSet,
    HasFlags,
    LacksFlags,
    Keyword,
    Unkeyword,
    None,
    /// <summary>\Recent in this session (RFC 3501 §6.4.4 RECENT).</summary>
    Recent,
    /// <summary>EMAILID equal to <see cref="ImapSearchKey.Value"/> (RFC 8474 §6).</summary>
    EmailId,
    /// <summary>MODSEQ at least <see cref="ImapSearchKey.Size"/> (RFC 7162 §3.1.5).</summary>
    ModSeq,
    Before,
    On,
    Since,
    /// <summary>SAVEDBEFORE (RFC 8514 §4.2): save date (UTC day) earlier than <see cref="ImapSearchKey.Date"/>.</summary>
    SavedBefore,
    /// <summary>SAVEDON (RFC 8514 §4.2).</summary>
    SavedOn,
    /// <summary>SAVEDSINCE (RFC 8514 §4.2).</summary>
    SavedSince,
    /// <summary>SAVEDATESUPPORTED (RFC 8514 §4.2): every message, since every mailbox keeps save dates.</summary>
    SaveDateSupported,
    SentBefore,
    SentOn,
    SentSince,
    Larger,
    Smaller,
    Header,
    Body,
    Text,
}

/// <summary>One node of a parsed search program.</summary>
public sealed record ImapSearchKey(ImapSearchKind Kind)
{
    public IReadOnlyList<ImapSearchKey> Children { get; init; } = [];

    public ImapSequenceSet? Set { get; init; }

    public MessageFlags Flags { get; init; }

    public string Field { get; init; } = "";

    public string Value { get; init; } = "";

    public DateTime Date { get; init; }

    public long Size { get; init; }

    /// <summary>The BODY and TEXT keys of the program, in any depth.</summary>
    public IEnumerable<ImapSearchKey> TextKeys => Kind is ImapSearchKind.Body or ImapSearchKind.Text ? [this] : Children.SelectMany(c => c.TextKeys);

    /// <summary>The program contains a MODSEQ key (the reply then carries the highest MODSEQ, RFC 7162 §3.1.5).</summary>
    public bool UsesModSeq => Kind == ImapSearchKind.ModSeq || Children.Any(c => c.UsesModSeq);

    /// <summary>
    /// True when evaluating needs the parsed message (header keys, sent dates). BODY and TEXT do not:
    /// they are answered from the store's full-text index (<see cref="TextKeys"/>).
    /// </summary>
    public bool NeedsContent => Kind is ImapSearchKind.Header
        or ImapSearchKind.SentBefore or ImapSearchKind.SentOn or ImapSearchKind.SentSince
        || Children.Any(c => c.NeedsContent);
}
