namespace Mail.Protocols.Filtering.Spamd;

/// <summary>The SPAMC/1.5 requests the client sends (spamd's PROTOCOL document, SpamAssassin 4.0).</summary>
public enum SpamdVerb
{
    /// <summary><c>CHECK</c>: only the <c>Spam: True|False ; score / threshold</c> header.</summary>
    Check,

    /// <summary><c>SYMBOLS</c>: as CHECK, plus the comma-separated names of the rules that hit as body.</summary>
    Symbols,

    /// <summary><c>REPORT</c>: as CHECK, plus the human-readable report as body.</summary>
    Report,
}
