namespace Mail.Protocols.Imap.Session;

/// <summary>
/// The capabilities this server advertises (RFC 9051 §7.2.2). An extension is listed only when it
/// is complete; the conformance runner decides which imaptest scripts apply from these lists.
/// </summary>
public static class ImapCapabilities
{
    /// <summary>Advertised in every state.</summary>
    public static readonly IReadOnlyList<string> Always =
    [
        "IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE",
    ];

    /// <summary>Added once authenticated.</summary>
    public static readonly IReadOnlyList<string> Authenticated =
    [
        "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "CHILDREN", "SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS",
        "ESEARCH", "UTF8=ACCEPT", "STATUS=SIZE", "SEARCHRES", "CONDSTORE", "QRESYNC", "SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES",
        "QUOTA", "QUOTA=RES-STORAGE", "MULTIAPPEND", "BINARY", "CREATE-SPECIAL-USE", "OBJECTID", "PREVIEW", "SAVEDATE", "COMPRESS=DEFLATE", "METADATA", "CONTEXT=SEARCH", "CONTEXT=SORT", "PARTIAL", "NOTIFY",
        "ACL", Store.Acl.MailboxRightsText.Capability,
    ];

    /// <summary>Everything advertised after login (plus <c>APPENDLIMIT=n</c>, which depends on configuration).</summary>
    public static IEnumerable<string> AllAuthenticated => Always.Concat(Authenticated);

    internal static readonly string AlwaysText = string.Join(' ', Always);

    internal static readonly string AuthenticatedText = string.Join(' ', AllAuthenticated);

    private static readonly string AlwaysTextMinus = AlwaysText.Replace("LITERAL+", "LITERAL-", StringComparison.Ordinal);

    private static readonly string AuthenticatedTextMinus = AuthenticatedText.Replace("LITERAL+", "LITERAL-", StringComparison.Ordinal);

    /// <summary>The pre-login list for <paramref name="options"/> (LITERAL- instead of LITERAL+ when configured, RFC 7888 §4).</summary>
    internal static string AlwaysFor(ImapOptions options) => options.LiteralMinus ? AlwaysTextMinus : AlwaysText;

    /// <summary>The post-login list for <paramref name="options"/> (LITERAL- instead of LITERAL+ when configured).</summary>
    internal static string AuthenticatedFor(ImapOptions options) => options.LiteralMinus ? AuthenticatedTextMinus : AuthenticatedText;
}
