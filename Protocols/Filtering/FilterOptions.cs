namespace Mail.Protocols.Filtering;

/// <summary>
/// The <c>Mail:Filters</c> section: the scan stage of SMTP-in (after DATA, before the reply) and
/// the verdict thresholds. With no scanner configured every message is accepted and gets
/// <c>Authentication-Results: host; none</c>. Overview: <c>Protocols/Filtering/README.md</c>.
/// </summary>
/// <remarks>
/// Example:
/// <code>
/// "Filters": {
///   "FailurePolicy": "Tempfail", "JunkScore": 5.0, "RejectScore": 15.0, "Order": [ "clamd", "spamd" ],
///   "Spamd": { "Endpoint": "127.0.0.1:783", "TimeoutSeconds": 30 },
///   "Clamd": { "Endpoint": "127.0.0.1:3310", "TimeoutSeconds": 30 }
/// }
/// </code>
/// </remarks>
public sealed class FilterOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Filters";

    /// <summary>
    /// What happens when a scanner fails or times out (unless the scanner sets its own):
    /// <see cref="FilterFailurePolicy.Tempfail"/> (default, <c>451 4.7.1</c>, nothing stored) or
    /// <see cref="FilterFailurePolicy.PassWithHeader"/> (delivered, marked unscanned).
    /// </summary>
    public FilterFailurePolicy FailurePolicy { get; set; } = FilterFailurePolicy.Tempfail;

    /// <summary>
    /// Scanner names in the order their results are reported (headers, verdict record) and, when
    /// <see cref="Parallel"/> is false, run. Scanners not listed come after, by name. Default clamd, spamd.
    /// </summary>
    public List<string> Order { get; set; } = [];

    /// <summary>
    /// Run the scanners at the same time (default): the stage costs the slowest scanner, not the sum.
    /// When false they run one after the other in <see cref="Order"/> and stop at the first virus
    /// or reject-score verdict.
    /// </summary>
    public bool Parallel { get; set; } = true;

    /// <summary>Spam score (SpamAssassin points) from which a message goes to the recipient's Junk mailbox. Default 5.0.</summary>
    public double JunkScore { get; set; } = 5.0;

    /// <summary>Spam score from which a message is refused with <c>550 5.7.1</c> at the end of DATA. Default 15.0.</summary>
    public double RejectScore { get; set; } = 15.0;

    /// <summary>The block stage before DATA (HELO/sender syntax, rate limits, greylisting, DNSBL).</summary>
    public Block.BlockOptions Block { get; set; } = new();

    /// <summary>DKIM verification and DMARC evaluation.</summary>
    public Auth.AuthOptions Auth { get; set; } = new();

    /// <summary>SpamAssassin spamd (SPAMC/1.5 over TCP).</summary>
    public SpamdOptions Spamd { get; set; } = new();

    /// <summary>ClamAV clamd (INSTREAM over TCP).</summary>
    public ClamdOptions Clamd { get; set; } = new();

    /// <summary>The built-in per-user Bayesian classifier and its learning.</summary>
    public Learning.BayesOptions Bayes { get; set; } = new();

    /// <summary>Per-user and per-domain sender allow and block lists.</summary>
    public Lists.SenderListOptions Lists { get; set; } = new();

    /// <summary>rspamd (HTTP <c>/checkv2</c>).</summary>
    public Rspamd.RspamdOptions Rspamd { get; set; } = new();

    /// <summary>Milters (Sendmail/Postfix milter protocol v6 over TCP), each a scanner <c>milter:NAME</c>.</summary>
    public List<Milter.MilterOptions> Milters { get; set; } = [];

    /// <summary>Per-domain quarantine of viruses and high-scoring spam, and its retention.</summary>
    public Quarantine.QuarantineOptions Quarantine { get; set; } = new();

    /// <summary>The attachment policy (banned types by name, declared type and content, inside zips).</summary>
    public Attachments.AttachmentOptions Attachments { get; set; } = new();
}

/// <summary>The <c>Mail:Filters:Spamd</c> section.</summary>
public sealed class SpamdOptions
{
    /// <summary><c>host:port</c> of spamd (its default port is 783); the scanner is on when set.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>Seconds one scan may take, connect included. Default 30.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>spamd user (the <c>User:</c> header, selects per-user preferences in spamd). Default <c>nobody</c>.</summary>
    public string User { get; set; } = "nobody";

    /// <summary>
    /// Largest message sent whole, in octets. Default 512 KiB (spamc's own default limit is 500 KB):
    /// SpamAssassin's run time grows with the message (1 MiB of address fields takes spamd ~4 s of
    /// CPU here) and large mail is rarely spam.
    /// </summary>
    public long MaxMessageOctets { get; set; } = 512 * 1024;

    /// <summary>What to do with larger messages. Default <see cref="Filtering.OversizeAction.Truncate"/>: score the first <see cref="MaxMessageOctets"/>.</summary>
    public OversizeAction OversizeAction { get; set; } = OversizeAction.Truncate;

    /// <summary>Largest reply read, in octets (a REPORT is a few KB). Default 256 KiB; longer is a protocol failure.</summary>
    public int MaxReplyOctets { get; set; } = 256 * 1024;

    /// <summary>Failure policy of this scanner; null takes <see cref="FilterOptions.FailurePolicy"/>.</summary>
    public FilterFailurePolicy? FailurePolicy { get; set; }

    /// <summary>
    /// Also train spamd's Bayes data (<c>TELL</c>) when a user classifies a message
    /// (<see cref="Learning.ISpamLearner"/>). Default true; spamd must run with <c>--allow-tell</c>.
    /// </summary>
    public bool Learn { get; set; } = true;
}

/// <summary>The <c>Mail:Filters:Clamd</c> section.</summary>
public sealed class ClamdOptions
{
    /// <summary><c>host:port</c> of clamd (its <c>TCPSocket</c>, usually 3310); the scanner is on when set.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>Seconds one scan may take, connect included. Default 30.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Octets per INSTREAM chunk. Default 64 KiB.</summary>
    public int ChunkOctets { get; set; } = 64 * 1024;

    /// <summary>
    /// Must not exceed clamd's <c>StreamMaxLength</c> (its default is 25 MB): larger messages are
    /// handled by <see cref="OversizeAction"/> without being sent, because clamd would answer
    /// <c>INSTREAM size limit exceeded</c> and close the connection. Default 25 MiB.
    /// </summary>
    public long MaxStreamOctets { get; set; } = 25L * 1024 * 1024;

    /// <summary>
    /// What to do with larger messages. Default <see cref="Filtering.OversizeAction.Fail"/>: the failure policy
    /// applies (nothing is delivered unscanned unless configured). <c>Truncate</c> scans the first
    /// <see cref="MaxStreamOctets"/> only.
    /// </summary>
    public OversizeAction OversizeAction { get; set; } = OversizeAction.Fail;

    /// <summary>Failure policy of this scanner; null takes <see cref="FilterOptions.FailurePolicy"/>.</summary>
    public FilterFailurePolicy? FailurePolicy { get; set; }
}
