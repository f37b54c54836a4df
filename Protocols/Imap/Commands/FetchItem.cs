using Mail.Protocols.Imap.Mime;

namespace Mail.Protocols.Imap.Commands;

/// <summary>FETCH data items (RFC 9051 §6.4.5).</summary>
public enum FetchItemKind
{
    Uid,
    Flags,
    InternalDate,
    Rfc822Size,
    Envelope,
    Body,
    BodyStructure,
    Section,
    Rfc822,
    Rfc822Header,
    Rfc822Text,
    /// <summary>MODSEQ (RFC 7162 §3.1.4).</summary>
    ModSeq,
    /// <summary>BINARY[part]&lt;partial&gt; and BINARY.PEEK (RFC 3516 §4.2): the part with its transfer encoding undone.</summary>
    Binary,
    /// <summary>BINARY.SIZE[part] (RFC 3516 §4.2): the decoded size.</summary>
    BinarySize,
    /// <summary>EMAILID (RFC 8474 §5.1): the same for every copy of a message.</summary>
    EmailId,
    /// <summary>THREADID (RFC 8474 §5.2): NIL, threads are not tracked in the store.</summary>
    ThreadId,
    /// <summary>SAVEDATE (RFC 8514 §4.1): when the message was saved into the mailbox, or NIL.</summary>
    SaveDate,
    /// <summary>PREVIEW (RFC 8970): up to 256 characters of the message's text.</summary>
    Preview,
}

/// <summary>One requested item; for <see cref="FetchItemKind.Section"/> the section, PEEK and partial range.</summary>
public sealed record FetchItem(FetchItemKind Kind, ImapSection? Section = null, bool Peek = false, long? PartialStart = null, long PartialLength = 0)
{
    /// <summary>Fetching this item sets \Seen (RFC 9051 §6.4.5: BODY[...] without PEEK, RFC822, RFC822.TEXT).</summary>
    public bool SetsSeen => Kind is FetchItemKind.Rfc822 or FetchItemKind.Rfc822Text || (Kind is FetchItemKind.Section or FetchItemKind.Binary && !Peek);

    /// <summary>The item needs the message octets.</summary>
    public bool NeedsContent => Kind is FetchItemKind.Section or FetchItemKind.Rfc822 or FetchItemKind.Rfc822Header or FetchItemKind.Rfc822Text or FetchItemKind.Binary or FetchItemKind.BinarySize or FetchItemKind.Preview;

    /// <summary>The item needs the parsed structure.</summary>
    public bool NeedsStructure => Kind is FetchItemKind.Envelope or FetchItemKind.Body or FetchItemKind.BodyStructure or FetchItemKind.Section or FetchItemKind.Rfc822Header or FetchItemKind.Rfc822Text or FetchItemKind.Binary or FetchItemKind.BinarySize;
}
