namespace Mail.Protocols.Filtering.Block;

/// <summary>What a block-stage check does when it hits.</summary>
public enum CheckAction
{
    /// <summary>The check is not run.</summary>
    Off,

    /// <summary>Adds <c>Score</c> points to the message's spam score (added to the scanners' score at the end of DATA).</summary>
    Score,

    /// <summary>Refuses temporarily (<c>450 4.7.1</c>; the client retries).</summary>
    Tempfail,

    /// <summary>Refuses permanently (5xx).</summary>
    Reject,
}

/// <summary>
/// The <c>Mail:Filters:Block</c> section: cheap checks before DATA (issue 5 "Block stage").
/// HELO and sender syntax are evaluated at MAIL, greylisting at RCPT (after the recipient is known
/// to be local), rate limits at connect and MAIL, DNSBL at the first MAIL of a connection.
/// </summary>
public sealed class BlockOptions
{
    /// <summary>HELO/EHLO argument syntax (RFC 5321 §4.1.1.1: a domain or an address literal). Default reject (<c>504 5.5.2</c>).</summary>
    public CheckRule Helo { get; set; } = new() { Action = CheckAction.Reject, Score = 2.0 };

    /// <summary>
    /// Envelope sender syntax: a fully-qualified domain (at least one dot, labels of letters, digits
    /// and hyphens, RFC 1035 lengths) or an address literal; the null sender always passes.
    /// Default reject (<c>504 5.5.2</c>).
    /// </summary>
    public CheckRule Sender { get; set; } = new() { Action = CheckAction.Reject, Score = 2.0 };

    /// <summary>Rate limits per client IP.</summary>
    public RateOptions Rates { get; set; } = new();

    /// <summary>Greylisting of (IP /24 or /64, sender, recipient) triplets, in memory.</summary>
    public GreylistOptions Greylisting { get; set; } = new();

    /// <summary>DNS block lists of the client IP.</summary>
    public DnsblOptions Dnsbl { get; set; } = new();

    /// <summary>SPF of the envelope sender, at MAIL.</summary>
    public SpfOptions Spf { get; set; } = new();
}

/// <summary>The <c>Mail:Filters:Block:Spf</c> section (RFC 7208).</summary>
public sealed class SpfOptions
{
    /// <summary>On/off. Default off (it needs DNS).</summary>
    public bool Enabled { get; set; }

    /// <summary>Name servers (<c>host:port</c>, one port for all); empty uses the system resolvers.</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>Milliseconds-resolution seconds per DNS query. Default 5.</summary>
    public double TimeoutSeconds { get; set; } = 5;

    /// <summary>Result <c>fail</c>: default score 3.5 (set Reject for <c>550 5.7.23</c>).</summary>
    public CheckRule Fail { get; set; } = new() { Action = CheckAction.Score, Score = 3.5 };

    /// <summary>Result <c>softfail</c>: default score 1.0.</summary>
    public CheckRule SoftFail { get; set; } = new() { Action = CheckAction.Score, Score = 1.0 };

    /// <summary>Result <c>temperror</c>: default nothing (Tempfail gives <c>451 4.7.24</c>).</summary>
    public CheckRule TempError { get; set; } = new() { Action = CheckAction.Off };

    /// <summary>Result <c>permerror</c>: default nothing (Reject gives <c>550 5.7.24</c>).</summary>
    public CheckRule PermError { get; set; } = new() { Action = CheckAction.Off };
}

/// <summary>Action and score of one check.</summary>
public sealed class CheckRule
{
    /// <summary>What happens on a hit.</summary>
    public CheckAction Action { get; set; } = CheckAction.Score;

    /// <summary>Points added with <see cref="CheckAction.Score"/>.</summary>
    public double Score { get; set; } = 1.0;
}

/// <summary>The <c>Mail:Filters:Block:Rates</c> section (0 = no limit, the default: set them for a public MX).</summary>
public sealed class RateOptions
{
    /// <summary>New connections per client IP per minute; more get <c>421 4.7.0</c> and are closed (Postfix <c>smtpd_client_connection_rate_limit</c>).</summary>
    public int MaxConnectionsPerMinute { get; set; }

    /// <summary>MAIL commands per client IP per minute; more get <c>450 4.7.1</c> (Postfix <c>smtpd_client_message_rate_limit</c>).</summary>
    public int MaxMessagesPerMinute { get; set; }

    /// <summary>Client IPs tracked at once; beyond it the oldest windows are dropped. Default 100,000.</summary>
    public int MaxTrackedClients { get; set; } = 100_000;
}

/// <summary>The <c>Mail:Filters:Block:Greylisting</c> section.</summary>
public sealed class GreylistOptions
{
    /// <summary>On/off. Default off.</summary>
    public bool Enabled { get; set; }

    /// <summary>Seconds a new triplet must wait before a retry is accepted. Default 300.</summary>
    public int DelaySeconds { get; set; } = 300;

    /// <summary>Hours after the first attempt within which the retry must come, else the triplet starts over. Default 48.</summary>
    public int RetryWindowHours { get; set; } = 48;

    /// <summary>Days a passed triplet stays passed after its last message. Default 36.</summary>
    public int PassLifetimeDays { get; set; } = 36;

    /// <summary>Triplets kept at once; beyond it expired ones are pruned, then the oldest pending ones. Default 200,000.</summary>
    public int MaxEntries { get; set; } = 200_000;
}

/// <summary>The <c>Mail:Filters:Block:Dnsbl</c> section.</summary>
public sealed class DnsblOptions
{
    /// <summary>Lists to query; none by default.</summary>
    public List<DnsblList> Lists { get; set; } = [];

    /// <summary>Name servers (<c>host:port</c>); empty uses the system resolvers.</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>Seconds per DNS query. Default 3. A lookup that fails or times out counts as not listed.</summary>
    public double TimeoutSeconds { get; set; } = 3;
}

/// <summary>One DNS block list.</summary>
public sealed class DnsblList
{
    /// <summary>The list's zone, e.g. <c>zen.spamhaus.org</c>.</summary>
    public string Zone { get; set; } = "";

    /// <summary>What a listing does. Default reject (<c>554 5.7.1</c>).</summary>
    public CheckAction Action { get; set; } = CheckAction.Reject;

    /// <summary>Points with <see cref="CheckAction.Score"/>.</summary>
    public double Score { get; set; } = 3.0;
}
