using System.Globalization;
using System.Net;
using System.Text;
using Mail.Protocols.Smtp.Outbound.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// RFC 8689 REQUIRETLS (submission and delivery), the 8BITMIME downgrade (RFC 6152) with a DKIM signature that still
/// verifies, and BDAT when the next hop offers CHUNKING (RFC 3030). The remote end is <see cref="TestSmtpReceiver"/>
/// (STARTTLS with a certificate from <see cref="TestPki"/>) or smtp-sink, found by MX through <see cref="TestDnsServer"/>.
/// </summary>
#pragma warning disable CA1001 // IAsyncLifetime.DisposeAsync disposes them.
public sealed class TlsDeliveryTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly TestPki _pki = new();
    private TestDnsServer _dns = null!;

    public Task InitializeAsync()
    {
        _dns = new TestDnsServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var item in _owned.AsEnumerable().Reverse())
        {
            await item.DisposeAsync();
        }
        await _dns.DisposeAsync();
        _pki.Dispose();
    }

    private async Task<OutboundTestHost> HostAsync(int port)
    {
        var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Outbound:DnsServers:0"] = _dns.EndPoint.ToString(),
            ["Mail:Outbound:SmtpPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["Mail:Outbound:TrustedRootCertificates:0"] = _pki.RootPemPath,
        });
        _owned.Add(host);
        return host;
    }

    private TestSmtpReceiver Receiver(string mxHost, bool trusted, params string[] extensions)
    {
        var receiver = trusted
            ? new TestSmtpReceiver(_pki.Leaf(mxHost), _pki.Intermediate, extensions)
            : new TestSmtpReceiver(TestPki.SelfSigned(mxHost), null, extensions);
        _owned.Add(receiver);
        return receiver;
    }

    private void Mx(string domain, string mxHost)
    {
        _dns.AddMx(domain, 10, mxHost);
        _dns.AddAddress(mxHost, IPAddress.Loopback);
    }

    private static async Task<string> SubmitRequireTlsAsync(OutboundTestHost host, string rcpt)
    {
        await using var client = await host.AuthenticatedClientAsync();
        await client.SendLineAsync("EHLO client.example");
        Assert.Contains("REQUIRETLS", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("MAIL FROM:<alice@example.com> REQUIRETLS");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync($"RCPT TO:<{rcpt}>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("DATA");
        await client.ReadReplyAsync();
        await client.SendAsync(OutboundTestHost.Message("alice@example.com", rcpt, "Secret").Replace("\n", "\r\n", StringComparison.Ordinal) + ".\r\n");
        return await client.ReadReplyAsync();
    }

    [Fact]
    public async Task RequireTls_WithoutTls_Returns530AndIsNotOffered()
    {
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Submission:AllowPlaintextAuthOnLoopback"] = "true" }, outbound: false);
        await using var client = await WireClient.ConnectAsync(host.Submission);
        await client.ReadReplyAsync();
        await client.SendLineAsync("EHLO client.example");
        Assert.DoesNotContain("REQUIRETLS", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice@example.com\0password")));
        Assert.StartsWith("235", await client.ReadReplyAsync());
        await client.SendLineAsync("MAIL FROM:<alice@example.com> REQUIRETLS");
        Assert.StartsWith("530 5.7.10", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task RequireTls_ToHopWithVerifiedTlsAndRequireTls_IsDeliveredWithTheParameter()
    {
        Mx("req.test", "mx.req.test");
        var receiver = Receiver("mx.req.test", trusted: true, "REQUIRETLS", "8BITMIME");
        var host = await HostAsync(receiver.Port);
        var reply = await SubmitRequireTlsAsync(host, "carol@req.test");
        Assert.StartsWith("250", reply);
        Assert.True(host.Queue.ReadAll().Single().RequireTls || receiver.Messages.Count == 1);
        await OutboundTestHost.WaitUntilAsync(() => !receiver.Messages.IsEmpty && host.Queue.ReadAll().Count == 0, "delivery");
        var (mail, _, tls, _) = Assert.Single(receiver.Messages);
        Assert.True(tls);
        Assert.EndsWith("REQUIRETLS", mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireTls_ToHopWithoutRequireTls_FailsWith_5_7_30AndNothingIsSent()
    {
        Mx("noreq.test", "mx.noreq.test");
        var receiver = Receiver("mx.noreq.test", trusted: true, "8BITMIME");
        var host = await HostAsync(receiver.Port);
        Assert.StartsWith("250", await SubmitRequireTlsAsync(host, "carol@noreq.test"));
        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 1, "the DSN");
        Assert.Contains("Status: 5.7.30", Encoding.UTF8.GetString((await host.InboxAsync("alice@example.com"))[0]), StringComparison.Ordinal);
        Assert.Empty(receiver.Messages);
        Assert.DoesNotContain(receiver.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequireTls_ToHopWithUntrustedCertificate_StaysQueuedWith_4_7_5()
    {
        Mx("badcert.test", "mx.badcert.test");
        var receiver = Receiver("mx.badcert.test", trusted: false, "REQUIRETLS");
        var host = await HostAsync(receiver.Port);
        var reply = await SubmitRequireTlsAsync(host, "carol@badcert.test");
        var id = reply["250 2.0.0 Ok: queued as ".Length..];
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");
        var last = host.Queue.Read(id)!.Recipients[0].LastReply!;
        Assert.StartsWith("451 4.7.5 REQUIRETLS: TLS to mx.badcert.test[127.0.0.1]", last, StringComparison.Ordinal);
        Assert.Contains("not trusted", last, StringComparison.Ordinal);
        Assert.Empty(receiver.Messages);
        Assert.DoesNotContain(receiver.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EightBit_ToHopWithout8BitMime_IsDowngradedTo7BitAndItsDkimSignatureVerifies()
    {
        Mx("seven.test", "mx.seven.test");
        var port = SmtpSink.FreePort(IPAddress.Loopback);
        // -8: smtp-sink does not announce 8BITMIME.
        var sink = await SmtpSink.StartAsync(IPAddress.Loopback, port, "-8");
        _owned.Add(sink);
        var host = await HostAsync(port);
        var (selector, name, record) = new DkimKeyStore(host.DataPath).Generate("example.com", DateTimeOffset.UtcNow);
        var body = "From: <alice@example.com>\nTo: <carol@seven.test>\nSubject: 8bit\nDate: Mon, 30 Nov 2026 12:00:00 +0000\nMessage-ID: <8bit@example.com>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGrüße aus Köln, façade, naïve.\n";
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["carol@seven.test"], body));
        await OutboundTestHost.WaitUntilAsync(() => sink.Messages().Count == 1 && host.Queue.ReadAll().Count == 0, "delivery");

        var received = sink.Messages()[0];
        Assert.DoesNotContain(received, b => b >= 0x80);
        using var message = MimeMessage.Load(new MemoryStream(received));
        var part = Assert.IsType<TextPart>(message.Body);
        Assert.True(part.ContentTransferEncoding is ContentEncoding.QuotedPrintable or ContentEncoding.Base64);
        Assert.Equal("Grüße aus Köln, façade, naïve.", part.Text.TrimEnd());
        var signatures = message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList();
        var signature = Assert.Single(signatures);
        Assert.Contains($"s={selector}", signature.Value, StringComparison.Ordinal);
        var verifier = new DkimVerifier(new TestDkimKeyLocator(new() { [name] = record }));
        Assert.True(await verifier.VerifyAsync(message, signature), "DKIM signature does not verify after the downgrade");
    }

    [Fact]
    public async Task Chunking_WhenOffered_MessageGoesByBdatUnchanged()
    {
        Mx("chunk.test", "mx.chunk.test");
        var receiver = Receiver("mx.chunk.test", trusted: false, "CHUNKING", "8BITMIME", "BINARYMIME");
        var host = await HostAsync(receiver.Port);
        var (_, name, record) = new DkimKeyStore(host.DataPath).Generate("example.com", DateTimeOffset.UtcNow);
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["carol@chunk.test"], OutboundTestHost.Message("alice@example.com", "carol@chunk.test", "Chunked")));
        await OutboundTestHost.WaitUntilAsync(() => !receiver.Messages.IsEmpty && host.Queue.ReadAll().Count == 0, "delivery");
        Assert.Contains(receiver.Commands, c => c.StartsWith("BDAT ", StringComparison.Ordinal) && c.EndsWith(" LAST", StringComparison.Ordinal));
        Assert.DoesNotContain("DATA", receiver.Commands);
        var (_, _, tls, data) = Assert.Single(receiver.Messages);
        Assert.True(tls, "opportunistic STARTTLS with a certificate nobody vouches for");
        using var message = MimeMessage.Load(new MemoryStream(data));
        Assert.Equal("Chunked", message.Subject);
        var verifier = new DkimVerifier(new TestDkimKeyLocator(new() { [name] = record }));
        Assert.True(await verifier.VerifyAsync(message, message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)]));
    }
}
