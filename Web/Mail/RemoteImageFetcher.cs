using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Mail.Web.Webmail;

/// <summary>The <c>Mail:Webmail:ImageProxy</c> section: limits of the remote-image proxy.</summary>
public sealed class RemoteImageProxyOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Webmail:ImageProxy";

    /// <summary>Largest image fetched, in octets; default 5 MiB. Larger: refused.</summary>
    public int MaxImageOctets { get; set; } = 5 * 1024 * 1024;

    /// <summary>Longest fetch including redirects, in seconds; default 10.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Redirects followed (each target checked again); default 3.</summary>
    public int MaxRedirects { get; set; } = 3;

    /// <summary>
    /// Networks (CIDR, e.g. <c>10.20.0.0/16</c>) exempt from the private-address refusal, for an operator's own
    /// internal image host; default none. Loopback, private, link-local, multicast and reserved ranges are refused otherwise.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];
}

/// <summary>Why a remote image was not fetched.</summary>
public enum RemoteImageRefusal
{
    /// <summary>Fetched.</summary>
    None,

    /// <summary>Not an absolute http(s) URL.</summary>
    BadUrl,

    /// <summary>The host resolves only to loopback, private, link-local, multicast or reserved addresses (SSRF guard).</summary>
    ForbiddenAddress,

    /// <summary>The server answered with an error, too many redirects, or could not be reached in time.</summary>
    Unreachable,

    /// <summary>The answer is not a raster image (SVG and everything else are refused).</summary>
    NotAnImage,

    /// <summary>The image is larger than <see cref="RemoteImageProxyOptions.MaxImageOctets"/>.</summary>
    TooLarge,
}

/// <summary>A fetched image or the reason there is none.</summary>
/// <param name="Refusal"><see cref="RemoteImageRefusal.None"/> when <paramref name="Content"/> is set.</param>
/// <param name="ContentType">Raster image type (<c>image/png</c>, ...).</param>
/// <param name="Content">The image bytes.</param>
public sealed record RemoteImage(RemoteImageRefusal Refusal, string ContentType = "", byte[]? Content = null);

/// <summary>
/// Fetches remote images of mail for the webmail's proxy without letting a message reach the inside network
/// (SSRF): every connection, including each redirect's, resolves the host itself and connects only to an address
/// that is not loopback, private (RFC 1918, RFC 4193), link-local, CGNAT, multicast or reserved, so DNS rebinding
/// between check and connect is impossible; no cookies, no proxy, no credentials; raster images only, size- and
/// time-limited.
/// </summary>
public sealed class RemoteImageFetcher : IDisposable
{
    private static readonly string[] s_imageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/x-icon", "image/vnd.microsoft.icon"];

    private readonly RemoteImageProxyOptions _options;
    private readonly List<(IPAddress Network, int Prefix)> _allowed;
    private readonly HttpClient _client;

    public RemoteImageFetcher(IOptions<RemoteImageProxyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _allowed = [.. _options.AllowedNetworks.Select(ParseNetwork).OfType<(IPAddress, int)>()];
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            Credentials = null,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds)),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds)) };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("MailWebmailImageProxy/1.0");
    }

    /// <summary>Fetches <paramref name="url"/> (absolute http or https).</summary>
    public async Task<RemoteImage> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!TryParseTarget(url, out var target))
        {
            return new RemoteImage(RemoteImageRefusal.BadUrl);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds)));
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                if (IPAddress.TryParse(target.IdnHost.Trim('[', ']'), out var literal) && !IsAllowed(literal))
                {
                    return new RemoteImage(RemoteImageRefusal.ForbiddenAddress);
                }
                using var request = new HttpRequestMessage(HttpMethod.Get, target);
                request.Headers.Accept.ParseAdd("image/png,image/jpeg,image/gif,image/webp,image/*;q=0.5");
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (redirects >= _options.MaxRedirects || !TryParseTarget(new Uri(target, location).ToString(), out target))
                    {
                        return new RemoteImage(RemoteImageRefusal.Unreachable);
                    }
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    return new RemoteImage(RemoteImageRefusal.Unreachable);
                }
                var type = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant() ?? "";
                if (!s_imageTypes.Contains(type))
                {
                    return new RemoteImage(RemoteImageRefusal.NotAnImage);
                }
                if (response.Content.Headers.ContentLength > _options.MaxImageOctets)
                {
                    return new RemoteImage(RemoteImageRefusal.TooLarge);
                }
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
                {
                    if (buffer.Length + read > _options.MaxImageOctets)
                    {
                        return new RemoteImage(RemoteImageRefusal.TooLarge);
                    }
                    buffer.Write(chunk, 0, read);
                }
                return new RemoteImage(RemoteImageRefusal.None, type, buffer.ToArray());
            }
        }
        catch (HttpRequestException ex) when (ex.InnerException is ForbiddenAddressException)
        {
            return new RemoteImage(RemoteImageRefusal.ForbiddenAddress);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new RemoteImage(RemoteImageRefusal.Unreachable);
        }
    }

    /// <summary>
    /// True when an image may be fetched from <paramref name="address"/>: a public unicast address, or one inside
    /// <see cref="RemoteImageProxyOptions.AllowedNetworks"/>.
    /// </summary>
    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (_allowed.Any(n => InNetwork(address, n.Network, n.Prefix)))
        {
            return true;
        }
        return IsPublic(address);
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

    public void Dispose() => _client.Dispose();

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

    private static bool TryParseTarget(string url, out Uri target)
    {
        target = null!;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }
        target = uri;
        return true;
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

    private sealed class ForbiddenAddressException : IOException
    {
        public ForbiddenAddressException()
            : base("The host resolves only to addresses the image proxy may not reach.")
        {
        }
    }
}
