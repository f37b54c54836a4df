namespace Mail.Protocols.Filtering.Auth;

/// <summary>The <c>Mail:Filters:Auth</c> section: DKIM verification (RFC 6376) and DMARC evaluation (RFC 7489).</summary>
public sealed class AuthOptions
{
    /// <summary>On/off. Default off (it needs DNS); when on, every message gets dkim= and dmarc= results.</summary>
    public bool Enabled { get; set; }

    /// <summary>Name servers (<c>host:port</c>) for key and policy lookups; empty uses the system resolvers.</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>Seconds per DNS query. Default 5.</summary>
    public double TimeoutSeconds { get; set; } = 5;

    /// <summary>Seconds for the whole check (parse, lookups, verification) before the failure policy applies. Default 15.</summary>
    public double CheckTimeoutSeconds { get; set; } = 15;

    /// <summary>DKIM-Signature fields verified per message; more are ignored (each costs a lookup and an RSA operation). Default 5.</summary>
    public int MaxSignatures { get; set; } = 5;

    /// <summary>Points added when DMARC fails and the domain's policy is <c>quarantine</c> or <c>reject</c>. Default 5.0 (Junk).</summary>
    public double DmarcFailScore { get; set; } = 5.0;
}
