namespace Mail.Protocols.Lmtp;

/// <summary>The commands legal in each state (RFC 2033 §4, RFC 5321 §4.1.4), checked once before dispatch; others get <c>503 5.5.1</c>.</summary>
internal static class LmtpStateTable
{
    private static readonly HashSet<string> Always = new(StringComparer.Ordinal) { "LHLO", "RSET", "NOOP", "QUIT" };

    /// <summary>True when <paramref name="verb"/> may run in <paramref name="state"/>.</summary>
    public static bool IsAllowed(LmtpState state, string verb) => Always.Contains(verb) || (state, verb) switch
    {
        (LmtpState.Ready, "MAIL") => true,
        (LmtpState.Mail or LmtpState.Recipients, "RCPT") => true,
        (LmtpState.Recipients, "DATA") => true,
        _ => false,
    };
}
