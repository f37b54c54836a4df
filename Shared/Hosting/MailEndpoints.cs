using System.Collections.Concurrent;
using System.Net;

namespace Mail.Shared.Hosting;

/// <summary>
/// Listener endpoint names, their all-in-one development defaults, and the registry of the
/// endpoints actually bound (so port 0 in tests can be read back).
/// </summary>
public sealed class MailEndpoints
{
    public const string SmtpIn = "SmtpIn";
    public const string Submission = "Submission";
    /// <summary>Submission with implicit TLS (RFC 8314 §3.3; production port 465).</summary>
    public const string SubmissionTls = "SubmissionTls";
    public const string Imap = "Imap";
    /// <summary>IMAP with implicit TLS (RFC 8314 §3.3; production port 993).</summary>
    public const string ImapTls = "ImapTls";
    public const string Pop3 = "Pop3";
    /// <summary>POP3 with implicit TLS (RFC 8314 §3.3; production port 995).</summary>
    public const string Pop3Tls = "Pop3Tls";
    public const string Lmtp = "Lmtp";

    /// <summary>Development defaults (DESIGN.md "Roles").</summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [SmtpIn] = "127.0.0.1:2525",
        [Submission] = "127.0.0.1:2587",
        [SubmissionTls] = "127.0.0.1:2465",
        [Imap] = "127.0.0.1:2143",
        [ImapTls] = "127.0.0.1:2993",
        [Pop3] = "127.0.0.1:2110",
        [Pop3Tls] = "127.0.0.1:2995",
        [Lmtp] = "127.0.0.1:2424",
    };

    private readonly ConcurrentDictionary<string, IPEndPoint> _bound = new(StringComparer.OrdinalIgnoreCase);
    private readonly MailOptions _options;

    public MailEndpoints(Microsoft.Extensions.Options.IOptions<MailOptions> options) => _options = options.Value;

    /// <summary>The configured endpoint for <paramref name="name"/>, else the default.</summary>
    /// <exception cref="FormatException">The value is not <c>host:port</c>.</exception>
    public IPEndPoint Configured(string name)
    {
        var text = _options.Endpoints.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : Defaults[name];
        return Parse(text);
    }

    /// <summary>Records the endpoint a listener actually bound (after port 0 resolution).</summary>
    public void SetBound(string name, IPEndPoint endpoint) => _bound[name] = endpoint;

    /// <summary>The endpoint a listener bound, or null when that listener is not running (yet).</summary>
    public IPEndPoint? Bound(string name) => _bound.TryGetValue(name, out var ep) ? ep : null;

    /// <summary>
    /// Where a client on this node dials the listener <paramref name="name"/>: the bound endpoint (else the
    /// configured one), with an any-address (<c>0.0.0.0</c>, <c>::</c>) replaced by the matching loopback.
    /// </summary>
    /// <returns>An IP address literal and a TCP port.</returns>
    /// <exception cref="FormatException">The configured value is not <c>host:port</c>.</exception>
    public (string Host, int Port) LocalDialTarget(string name)
    {
        var endpoint = Bound(name) ?? Configured(name);
        var address = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : endpoint.Address;
        return (address.ToString(), endpoint.Port);
    }

    /// <summary>All bound endpoints by name.</summary>
    public IReadOnlyDictionary<string, IPEndPoint> AllBound => _bound;

    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c> or <c>*:port</c> (any address).</summary>
    /// <exception cref="FormatException">Malformed value.</exception>
    public static IPEndPoint Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
        {
            throw new FormatException($"Endpoint '{text}' is not host:port.");
        }
        var host = text[..colon].Trim('[', ']');
        IPAddress address = host switch
        {
            "*" or "0.0.0.0" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host)[0],
        };
        return new IPEndPoint(address, port);
    }
}
