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
    private readonly SsrfGuard _guard;
    private readonly HttpClient _client;

    public RemoteImageFetcher(IOptions<RemoteImageProxyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _guard = new SsrfGuard(_options.AllowedNetworks);
        _client = _guard.CreateClient(TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds)), "MailWebmailImageProxy/1.0");
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
                if (_guard.IsForbiddenLiteral(target))
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
    public bool IsAllowed(IPAddress address) => _guard.IsAllowed(address);

    /// <summary>True for a globally routable unicast address (see <see cref="SsrfGuard.IsPublic"/>).</summary>
    public static bool IsPublic(IPAddress address) => SsrfGuard.IsPublic(address);

    public void Dispose() => _client.Dispose();

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
}
