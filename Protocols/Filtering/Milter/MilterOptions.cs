namespace Mail.Protocols.Filtering.Milter;

/// <summary>One entry of the <c>Mail:Filters:Milters</c> list: a Sendmail/Postfix milter reached over TCP.</summary>
/// <remarks>
/// Example: <c>"Milters": [ { "Name": "dkim", "Endpoint": "127.0.0.1:8891", "TimeoutSeconds": 30, "FailurePolicy": "PassWithHeader" } ]</c>.
/// Each milter is a scanner named <c>milter:NAME</c> in the scan stage (its own timeout and failure policy).
/// </remarks>
public sealed class MilterOptions
{
    /// <summary>Short name, unique in the list (the scanner is <c>milter:NAME</c>). Default: the endpoint.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>host:port</c> of the milter's TCP socket (Postfix's <c>inet:host:port</c>).</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>Seconds the whole conversation may take (connect to end of message). Default 30.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Failure policy of this milter (down, protocol error, timeout); null takes <see cref="FilterOptions.FailurePolicy"/>.</summary>
    public FilterFailurePolicy? FailurePolicy { get; set; }

    /// <summary>Largest packet accepted from the milter, in octets. Default 1 MiB (body replacement chunks are at most 64 KiB).</summary>
    public int MaxPacketOctets { get; set; } = 1024 * 1024;

    /// <summary>Largest replacement body accepted (SMFIR_REPLBODY chunks added up), in octets. Default 64 MiB; more is a protocol failure.</summary>
    public long MaxReplacedBodyOctets { get; set; } = 64L * 1024 * 1024;
}
