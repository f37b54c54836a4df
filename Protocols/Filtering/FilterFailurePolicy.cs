namespace Mail.Protocols.Filtering;

/// <summary>What the scan stage does when a scanner fails (daemon down, protocol error) or exceeds its timeout.</summary>
public enum FilterFailurePolicy
{
    /// <summary>Refuse the message with <c>451 4.7.1</c> so the sender retries later; nothing is stored. The default.</summary>
    Tempfail,

    /// <summary>Deliver the message anyway, marked unscanned in <c>X-Mail-Scan</c> and the verdict record.</summary>
    PassWithHeader,
}

/// <summary>What a scanner does with a message larger than its size limit.</summary>
public enum OversizeAction
{
    /// <summary>Treat it as a scanner failure: the failure policy applies.</summary>
    Fail,

    /// <summary>Send only the first octets (the header and the start of the body), as amavisd does for SpamAssassin.</summary>
    Truncate,

    /// <summary>Do not scan it; it is delivered with the scanner marked as skipped.</summary>
    Skip,
}
