namespace Mail.Shared.Platform;

/// <summary>
/// One webmail user's preferences (table <c>WebmailSettings</c>), a row per address created on first save.
/// </summary>
public sealed class WebmailUserSettings
{
    /// <summary>The user's address (lower-case); primary key.</summary>
    public required string UserAddress { get; set; }

    /// <summary>Compose in rich text (HTML + text alternative) by default; false: plain text.</summary>
    public bool ComposeRichText { get; set; } = true;

    /// <summary>Put the reply above the quoted text (true, like Gmail) or below it.</summary>
    public bool ReplyAboveQuote { get; set; } = true;

    /// <summary>Seconds the outbox holds a sent message for "undo" (5..30).</summary>
    public int UndoSendSeconds { get; set; } = 10;

    /// <summary>Show messages as plain text by default.</summary>
    public bool PreferPlainText { get; set; }

    /// <summary>Load remote images of every message without asking.</summary>
    public bool AlwaysLoadRemoteImages { get; set; }

    /// <summary>UI language (BCP 47 tag such as <c>en</c> or <c>de</c>); empty follows the browser.</summary>
    public string Language { get; set; } = "";

    /// <summary>UI theme: <c>light</c>, <c>dark</c>, or empty to follow the system.</summary>
    public string Theme { get; set; } = "";
}

/// <summary>
/// A From identity of a webmail user (table <c>WebmailIdentities</c>): one of the user's own addresses or
/// aliases with a display name and signature. The address is checked against the directory when used.
/// </summary>
public sealed class WebmailIdentity
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>Owner's address (lower-case).</summary>
    public required string UserAddress { get; set; }

    /// <summary>The From address (lower-case); one of the owner's addresses.</summary>
    public required string FromAddress { get; set; }

    /// <summary>Display name in From.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Signature as plain text (appended after "-- " in plain text, as paragraphs in HTML).</summary>
    public string Signature { get; set; } = "";

    /// <summary>The identity chosen by default in a new message.</summary>
    public bool IsDefault { get; set; }
}

/// <summary>A sender (address or domain) whose remote images a user loads without asking (table <c>WebmailRemoteImageSenders</c>).</summary>
public sealed class WebmailRemoteImageSender
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>Owner's address (lower-case).</summary>
    public required string UserAddress { get; set; }

    /// <summary>A lower-case address (<c>news@shop.example</c>) or domain (<c>shop.example</c>).</summary>
    public required string Sender { get; set; }
}

/// <summary>An address a user wrote to (table <c>WebmailRecentRecipients</c>), for autocomplete.</summary>
public sealed class WebmailRecentRecipient
{
    /// <summary>Owner's address (lower-case).</summary>
    public required string UserAddress { get; set; }

    /// <summary>The recipient's address (lower-case).</summary>
    public required string Address { get; set; }

    /// <summary>The recipient's display name as last written.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Last time the user wrote to it (UTC).</summary>
    public DateTime LastUsedUtc { get; set; }

    /// <summary>How many messages went to it.</summary>
    public int UseCount { get; set; }
}
