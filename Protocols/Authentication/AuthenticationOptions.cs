namespace Mail.Protocols.Authentication;

/// <summary>
/// The <c>Mail:Authentication</c> section: rules shared by IMAP, POP3 and Submission authentication
/// (<see cref="SaslAuthenticator"/>).
/// </summary>
public sealed class AuthenticationOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Authentication";

    /// <summary>
    /// Whether plaintext mechanisms (IMAP LOGIN, PLAIN, LOGIN, POP3 USER/PASS) are allowed without TLS from a
    /// loopback client (local tools, a webmail or proxy on the same node). Default true. From any other address they
    /// always need TLS (RFC 8314 §3, RFC 3501 §6.2.3 LOGINDISABLED, RFC 2595 §2.1): IMAP <c>NO [PRIVACYREQUIRED]</c>,
    /// POP3 <c>-ERR [AUTH]</c>, Submission <c>530 5.7.0</c>. SCRAM never sends the password and is allowed everywhere.
    /// </summary>
    public bool AllowPlaintextOnLoopback { get; set; } = true;

    /// <summary>
    /// Delay before the reply to the first failed authentication from a client address, doubled for each further
    /// failure (2, 4, 8 s) up to <see cref="MaxFailureDelay"/>. Default 2 s; zero turns the delays off.
    /// </summary>
    public TimeSpan FirstFailureDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest delay after repeated failures from one address. Default 15 s.</summary>
    public TimeSpan MaxFailureDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a client address's failure count is kept after its last failure (a successful login clears it at
    /// once). Default 15 minutes. With <c>ConnectionStrings:Redis</c> the count is shared by every node
    /// (key <c>mail:auth:v1:fail:&lt;address&gt;</c>, this value as its expiry); otherwise each node counts alone.
    /// </summary>
    public TimeSpan FailureMemory { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Networks (CIDR or single addresses) whose clients may name the real client address, as Dovecot's
    /// <c>login_trusted_networks</c>: the webmail's IMAP <c>ID ("x-originating-ip" "...")</c> before login. The
    /// named address is then the one that failures are counted for. Empty (default): only loopback peers are trusted,
    /// and only while <see cref="TrustLoopbackProxies"/> is on.
    /// </summary>
    public IList<string> TrustedNetworks { get; } = [];

    /// <summary>
    /// Whether a loopback peer (127.0.0.0/8, ::1: the webmail of the same node) is trusted to name the real client
    /// address in IMAP ID <c>x-originating-ip</c>, in addition to <see cref="TrustedNetworks"/>. Default true, so the
    /// all-in-one node's webmail logins are throttled per browser address, not as one address for every user.
    /// Turn it off when untrusted local users can open IMAP connections.
    /// </summary>
    public bool TrustLoopbackProxies { get; set; } = true;
}
