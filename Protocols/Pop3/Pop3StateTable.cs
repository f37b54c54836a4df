namespace Mail.Protocols.Pop3;

/// <summary>The commands legal in each state (RFC 1939 §4-§7, RFC 2449 §5, RFC 2595 §4, RFC 5034 §4, RFC 6856 §2), checked once before dispatch.</summary>
internal static class Pop3StateTable
{
    private static readonly HashSet<string> Authorization = new(StringComparer.Ordinal) { "USER", "PASS", "AUTH", "STLS", "CAPA", "QUIT", "UTF8" };

    private static readonly HashSet<string> Transaction = new(StringComparer.Ordinal) { "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "QUIT", "TOP", "UIDL", "CAPA" };

    /// <summary>True when <paramref name="verb"/> may run in <paramref name="state"/>.</summary>
    public static bool IsAllowed(Pop3State state, string verb) => state switch
    {
        Pop3State.Authorization => Authorization.Contains(verb),
        Pop3State.Transaction => Transaction.Contains(verb),
        Pop3State.Update => false,
        _ => false,
    };
}
