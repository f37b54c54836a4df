using System.Net;
using System.Net.Sockets;

namespace Mail.Web.Webmail;

/// <summary>
/// The outbound-request guard of the webmail (remote images, one-click unsubscribe): every connection, including each
/// redirect's, resolves the host itself and connects only to an address that is not loopback, private (RFC 1918,
/// RFC 4193), link-local, CGNAT, multicast or reserved, unless it lies in an operator's allowed networks, so DNS
/// rebinding between check and connect is impossible. Clients it builds send no cookies, use no proxy and no credentials.
/// </summary>
public sealed class SsrfGuard
{
    private readonly List<(IPAddress Network, int Prefix)> _allowed;

    /// <summary>A guard that lets <paramref name="allowedNetworks"/> (CIDR, e.g. <c>10.20.0.0/16</c>; unparseable ones are ignored) through.</summary>
    public SsrfGuard(IEnumerable<string> allowedNetworks)
    {
        ArgumentNullException.ThrowIfNull(allowedNetworks);
        _allowed = [.. allowedNetworks.Select(ParseNetwork).OfType<(IPAddress, int)>()];
    }

    /// <summary>
    /// An HTTP client that connects only to allowed addresses (<see cref="ForbiddenAddressException"/> inside the
    /// <see cref="HttpRequestException"/> otherwise), follows no redirects itself, and times out after <paramref name="timeout"/>.
    /// </summary>
    public HttpClient CreateClient(TimeSpan timeout, string userAgent)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            Credentials = null,
            ConnectTimeout = timeout,
            ConnectCallback = ConnectAsync,
        };
        var client = new HttpClient(handler) { Timeout = timeout };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return client;
    }

    /// <summary>True when a request may go to <paramref name="address"/>: a public unicast address, or one inside the allowed networks.</summary>
    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return _allowed.Any(n => InNetwork(address, n.Network, n.Prefix)) || IsPublic(address);
    }

    /// <summary>True when <paramref name="uri"/>'s host is an address literal the guard refuses (checked before any connection).</summary>
    public bool IsForbiddenLiteral(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal) && !IsAllowed(literal);
    }

    /// <summary>True for a globally routable unicast address (not loopback, private, link-local, CGNAT, multicast, documentation or reserved).</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] < 128)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2))
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            var globalUnicast = (b[0] & 0xe0) == 0x20;
            var documentation = b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;
            var teredoOr6to4 = (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) || (b[0] == 0x20 && b[1] == 0x02);
            return globalUnicast && !documentation && !teredoOr6to4 && !address.IsIPv6SiteLocal && !address.IsIPv6LinkLocal;
        }
        return false;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(IsAllowed).ToList();
        if (allowed.Count == 0)
        {
            throw new ForbiddenAddressException();
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed[0], context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static (IPAddress, int)? ParseNetwork(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var text = slash < 0 ? cidr : cidr[..slash];
        if (!IPAddress.TryParse(text.Trim(), out var network))
        {
            return null;
        }
        var max = network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = slash < 0 ? max : int.TryParse(cidr.AsSpan(slash + 1), out var p) ? Math.Clamp(p, 0, max) : max;
        return (network, prefix);
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var i = 0; i < a.Length && prefix > 0; i++, prefix -= 8)
        {
            var mask = prefix >= 8 ? 0xff : (byte)(0xff << (8 - prefix));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>The host resolves only to addresses the <see cref="SsrfGuard"/> refuses.</summary>
public sealed class ForbiddenAddressException : IOException
{
    public ForbiddenAddressException()
        : base("The host resolves only to addresses the webmail may not reach.")
    {
    }
}
