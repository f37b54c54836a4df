namespace Mail.Protocols.Imap.Session;

/// <summary>Tagged completion kinds (RFC 9051 §7.1).</summary>
public enum ImapCompletion
{
    Ok,
    No,
    Bad,
}

/// <summary>
/// What a command tells the session loop: the tagged completion (status, optional response code
/// such as <c>TRYCREATE</c>, text) and whether the connection ends or switches to TLS. Only the loop
/// writes the tagged line (CONVENTIONS.md §6).
/// </summary>
public sealed record ImapCommandResult(ImapCompletion Status, string? Code, string Text)
{
    /// <summary>After the tagged reply, close the connection (LOGOUT, too many failures).</summary>
    public bool Close { get; init; }

    /// <summary>Untagged BYE text to send before the tagged reply is skipped and the connection closed.</summary>
    public string? Bye { get; init; }

    /// <summary>After the tagged OK, negotiate TLS (STARTTLS).</summary>
    public bool StartTls { get; init; }

    /// <summary>After the tagged OK, switch both directions to DEFLATE (COMPRESS, RFC 4978).</summary>
    public bool StartCompression { get; init; }

    /// <summary>Send the tagged reply without the usual mailbox update (the command did it).</summary>
    public bool SkipSync { get; init; }

    public static ImapCommandResult Ok(string text, string? code = null) => new(ImapCompletion.Ok, code, text);

    public static ImapCommandResult No(string text, string? code = null) => new(ImapCompletion.No, code, text);

    public static ImapCommandResult Bad(string text, string? code = null) => new(ImapCompletion.Bad, code, text);
}
