using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Mail.Protocols.Store;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Web.Webmail.Compose;

/// <summary>
/// The remote-image proxy's SSRF guard (<see cref="RemoteImageFetcher"/>) against real sockets, and the body endpoint
/// that only proxies remote images when the user asked for them.
/// </summary>
[Collection(ComposeHostCollection.Name)]
public sealed partial class RemoteImageProxyTests(ComposeHostFixture host)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0];

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("2001:db8::1")]
    public void IsPublic_RefusesInternalAndReservedAddresses(string address) =>
        Assert.False(RemoteImageFetcher.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("2606:4700::1111")]
    public void IsPublic_AcceptsGlobalUnicast(string address) =>
        Assert.True(RemoteImageFetcher.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://127.0.0.1:{0}/a.png", RemoteImageRefusal.ForbiddenAddress)]
    [InlineData("http://localhost:{0}/a.png", RemoteImageRefusal.ForbiddenAddress)]
    [InlineData("http://[::1]:{0}/a.png", RemoteImageRefusal.ForbiddenAddress)]
    [InlineData("http://169.254.169.254/latest/meta-data/", RemoteImageRefusal.ForbiddenAddress)]
    [InlineData("file:///etc/passwd", RemoteImageRefusal.BadUrl)]
    [InlineData("ftp://127.0.0.1/a.png", RemoteImageRefusal.BadUrl)]
    [InlineData("http://user:pw@127.0.0.1:{0}/a.png", RemoteImageRefusal.BadUrl)]
    public async Task Fetch_InternalTargets_AreRefusedWithoutConnecting(string pattern, RemoteImageRefusal expected)
    {
        await using var server = await ImageServer.StartAsync(Png, "image/png");
        using var fetcher = new RemoteImageFetcher(Options.Create(new RemoteImageProxyOptions { TimeoutSeconds = 5 }));
        var result = await fetcher.FetchAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, server.Port), CancellationToken.None);
        Assert.Equal(expected, result.Refusal);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Fetch_AllowedNetwork_GetsTheImage_ButARedirectToAnotherInternalAddressIsRefused()
    {
        await using var server = await ImageServer.StartAsync(Png, "image/png");
        using var fetcher = new RemoteImageFetcher(Options.Create(new RemoteImageProxyOptions { AllowedNetworks = ["127.0.0.1/32"], TimeoutSeconds = 5 }));
        var ok = await fetcher.FetchAsync($"http://127.0.0.1:{server.Port}/a.png", CancellationToken.None);
        Assert.Equal(RemoteImageRefusal.None, ok.Refusal);
        Assert.Equal(Png, ok.Content);

        var redirected = await fetcher.FetchAsync($"http://127.0.0.1:{server.Port}/redirect?to=http://[::1]:{server.Port}/a.png", CancellationToken.None);
        Assert.Equal(RemoteImageRefusal.ForbiddenAddress, redirected.Refusal);
    }

    [Fact]
    public async Task Fetch_SvgAndOversizedImages_AreRefused()
    {
        await using var svg = await ImageServer.StartAsync("<svg onload=\"alert(1)\"/>"u8.ToArray(), "image/svg+xml");
        await using var big = await ImageServer.StartAsync(new byte[64 * 1024], "image/png");
        using var fetcher = new RemoteImageFetcher(Options.Create(new RemoteImageProxyOptions
        {
            AllowedNetworks = ["127.0.0.1/32"],
            MaxImageOctets = 1024,
            TimeoutSeconds = 5,
        }));
        Assert.Equal(RemoteImageRefusal.NotAnImage, (await fetcher.FetchAsync($"http://127.0.0.1:{svg.Port}/x.svg", CancellationToken.None)).Refusal);
        Assert.Equal(RemoteImageRefusal.TooLarge, (await fetcher.FetchAsync($"http://127.0.0.1:{big.Port}/x.png", CancellationToken.None)).Refusal);
    }

    [Fact]
    public async Task Body_ProxiesRemoteImagesOnlyWhenAsked_AndTheProxyRefusesLoopbackAndForgedTokens()
    {
        var subject = "Newsletter " + Guid.NewGuid().ToString("N");
        var raw = "From: news@shop.example\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hi</p><img src=\"http://127.0.0.1:9/pixel.png\" alt=\"pixel\">\r\n";
        var store = host.Services.GetRequiredService<IMailStore>();
        var outcome = await store.DeliverAsync([MailHostFixture.Alice], new MemoryStream(Encoding.ASCII.GetBytes(raw)), DateTimeOffset.UtcNow, CancellationToken.None);
        var uid = outcome[0].Uid;
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);

        var blocked = await client.GetStringAsync($"mail/body?folder=INBOX&uid={uid}");
        Assert.DoesNotContain("127.0.0.1:9", blocked, StringComparison.Ordinal);
        Assert.DoesNotContain("/mail/image", blocked, StringComparison.Ordinal);

        using var shown = await client.GetAsync($"mail/body?folder=INBOX&uid={uid}&images=1");
        var html = await shown.Content.ReadAsStringAsync();
        var proxy = WebUtility.HtmlDecode(ProxySrc().Match(html).Groups[1].Value);
        Assert.StartsWith("/mail/image?t=", proxy, StringComparison.Ordinal);
        Assert.Contains("/mail/image", shown.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        // The frame's requests carry no cookie: a client without one uses the token alone.
        using var anonymous = WebmailHttp.CreateClient(host);
        using (var refused = await anonymous.GetAsync(proxy.TrimStart('/')))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var forged = await anonymous.GetAsync("mail/image?t=forged"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }
    }

    [GeneratedRegex("<img src=\"([^\"]+)\"")]
    private static partial Regex ProxySrc();

    /// <summary>A tiny HTTP/1.1 server on 127.0.0.1 serving one body, and <c>/redirect?to=URL</c> as a 302.</summary>
    private sealed class ImageServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly byte[] _body;
        private readonly string _type;
        private readonly CancellationTokenSource _stop = new();
        private int _requests;

        private ImageServer(byte[] body, string type)
        {
            _body = body;
            _type = type;
            _listener = new TcpListener(IPAddress.Loopback, 0);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Requests => Volatile.Read(ref _requests);

        public static Task<ImageServer> StartAsync(byte[] body, string type)
        {
            var server = new ImageServer(body, type);
            server._listener.Start();
            _ = server.AcceptLoopAsync();
            return Task.FromResult(server);
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                Interlocked.Increment(ref _requests);
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII);
                var requestLine = await reader.ReadLineAsync() ?? "";
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
                {
                }
                var path = requestLine.Split(' ').ElementAtOrDefault(1) ?? "/";
                byte[] head;
                var body = _body;
                if (path.StartsWith("/redirect?to=", StringComparison.Ordinal))
                {
                    head = Encoding.ASCII.GetBytes($"HTTP/1.1 302 Found\r\nLocation: {Uri.UnescapeDataString(path[13..])}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    body = [];
                }
                else
                {
                    head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {_type}\r\nContent-Length: {_body.Length}\r\nConnection: close\r\n\r\n");
                }
                await stream.WriteAsync(head);
                await stream.WriteAsync(body);
            }
        }

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
