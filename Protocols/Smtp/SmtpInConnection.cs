using System.Net;

namespace Mail.Protocols.Smtp;

/// <summary>
/// What the SMTP-in layers share about one connection: the wire guard fills in the peer, the
/// HELO name and a DATA rejection; the mailbox filter fills in the recipients of the current
/// transaction; the message store reads all of it. One session runs one command at a time, so
/// no locking is needed.
/// </summary>
internal sealed class SmtpInConnection
{
    /// <summary>Key of this object in SmtpServer's <c>ISessionContext.Properties</c>.</summary>
    public const string PropertyKey = "Mail.SmtpIn.Connection";

    private readonly List<string> _accounts = [];
    private readonly HashSet<string> _accountSet = new(StringComparer.OrdinalIgnoreCase);

    public SmtpInConnection(IPEndPoint remote, IPEndPoint local)
    {
        Remote = remote;
        Local = local;
    }

    /// <summary>The client's address.</summary>
    public IPEndPoint Remote { get; }

    /// <summary>The listener's address.</summary>
    public IPEndPoint Local { get; }

    /// <summary>The name the client gave in HELO/EHLO (printable ASCII only), or null before HELO.</summary>
    public string? HeloName { get; set; }

    /// <summary>True when the client greeted with EHLO (ESMTP, RFC 5321 §4.1.1.1).</summary>
    public bool Extended { get; set; }

    /// <summary>True once STARTTLS completed.</summary>
    public bool Secure { get; set; }

    /// <summary>
    /// The connection's 32-octet <c>tls-exporter</c> channel binding (RFC 9266), taken by the wire guard right after the
    /// handshake on Submission (<see cref="Mail.Protocols.Authentication.TlsExporter"/>); null without TLS, on the MX,
    /// or when it could not be obtained.
    /// </summary>
    public byte[]? TlsExporter { get; set; }

    /// <summary>State of the listener's own layers (Submission's DSN parameters), shared by its hook, filter and store.</summary>
    public object? ListenerState { get; set; }

    /// <summary>The account address a Submission client authenticated as (RFC 4954), or null (always null on the MX).</summary>
    public string? AuthenticatedUser { get; set; }

    /// <summary>Set by the wire guard when it refused the octets of the current DATA; taken by the store.</summary>
    public SmtpInRejectReason DataRejection { get; set; }

    /// <summary>Envelope recipients accepted in this transaction, as given (for the Received "for" clause).</summary>
    public List<string> Recipients { get; } = [];

    /// <summary>Scored block-stage hits of this transaction (HELO, sender, DNSBL), carried into the scan stage.</summary>
    public List<Mail.Protocols.Filtering.ScanResult> BlockResults { get; } = [];

    /// <summary>Scored DNSBL hits of this connection (looked up once, at its first MAIL).</summary>
    public List<Mail.Protocols.Filtering.ScanResult> ConnectionBlockResults { get; } = [];

    /// <summary>True once the per-connection block checks (DNSBL) ran.</summary>
    public bool ConnectionChecked { get; set; }

    /// <summary>Distinct local accounts the accepted recipients resolve to, in RCPT order.</summary>
    public IReadOnlyList<string> Accounts => _accounts;

    /// <summary>Remote addresses accepted recipients forward to (distinct, in RCPT order); re-sent through the outbound queue.</summary>
    public List<string> Forwards { get; } = [];

    /// <summary>The first accepted recipient that forwards (owner of the queued forward), or null.</summary>
    public string? ForwardingRecipient { get; private set; }

    /// <summary>Starts a new transaction (MAIL).</summary>
    public void ResetTransaction()
    {
        Recipients.Clear();
        Forwards.Clear();
        ForwardingRecipient = null;
        _accounts.Clear();
        _accountSet.Clear();
        BlockResults.Clear();
        DataRejection = SmtpInRejectReason.None;
    }

    /// <summary>Adds an accepted recipient and the accounts it resolves to (deduplicated).</summary>
    public void AddRecipient(string address, IReadOnlyList<string> accounts, IReadOnlyList<string>? forwards = null)
    {
        Recipients.Add(address);
        foreach (var forward in forwards ?? [])
        {
            ForwardingRecipient ??= address;
            if (!Forwards.Contains(forward, StringComparer.OrdinalIgnoreCase))
            {
                Forwards.Add(forward);
            }
        }
        foreach (var account in accounts)
        {
            if (_accountSet.Add(account))
            {
                _accounts.Add(account);
            }
        }
    }
}
