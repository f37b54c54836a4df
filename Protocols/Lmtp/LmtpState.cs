namespace Mail.Protocols.Lmtp;

/// <summary>LMTP session states (RFC 2033 §4, RFC 5321 §4.1.4 command ordering).</summary>
public enum LmtpState
{
    /// <summary>After the greeting, before LHLO.</summary>
    Greeted,
    /// <summary>After LHLO (or RSET, or a finished DATA): no transaction.</summary>
    Ready,
    /// <summary>After MAIL FROM, before an accepted RCPT.</summary>
    Mail,
    /// <summary>At least one RCPT accepted: more RCPT or DATA.</summary>
    Recipients,
}
