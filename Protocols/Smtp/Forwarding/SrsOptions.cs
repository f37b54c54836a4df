namespace Mail.Protocols.Smtp.Forwarding;

/// <summary>
/// The <c>Mail:Srs</c> section: the Sender Rewriting Scheme used when mail is forwarded to a remote address, so the
/// receiving side's SPF check sees our domain and its bounces come back to us (then to the original sender).
/// </summary>
public sealed class SrsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Srs";

    /// <summary>
    /// Domain of the rewritten senders (<c>SRS0=…@Domain</c>); empty = <c>Mail:HostName</c>. Mail to this domain whose
    /// local part is a valid SRS0 address is accepted at RCPT and re-sent to the original sender.
    /// </summary>
    public string Domain { get; set; } = "";

    /// <summary>
    /// HMAC-SHA1 key(s), space-separated: the first signs, every one verifies (rotation). Empty = a random 32-octet key
    /// kept in <c>{DataPath}/srs.key</c> (created on first use; every node that receives the bounces must share it).
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>Days an SRS address stays valid (default 21, as libsrs2 and postsrsd); older bounces are refused with 550 5.1.1.</summary>
    public int MaxAgeDays { get; set; } = 21;
}
