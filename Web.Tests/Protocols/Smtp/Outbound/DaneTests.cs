using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// DANE for SMTP (RFC 7672): TLSA records at <c>_port._tcp.mx</c> served by <see cref="TestDnsServer"/>, trusted only
/// when the answer carries the AD bit (as from a validating resolver); <see cref="TestSmtpReceiver"/> presents a
/// certificate no PKIX root vouches for (DANE-EE) or one issued by the <see cref="TestPki"/> intermediate (DANE-TA).
/// </summary>
#pragma warning disable CA1001 // IAsyncLifetime.DisposeAsync disposes them.
public sealed class DaneTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Mx = "mx.dane.test";
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly TestPki _pki = new();
    private TestDnsServer _dns = null!;

    public Task InitializeAsync()
    {
        _dns = new TestDnsServer();
        _dns.AddMx("dane.test", 10, Mx);
        _dns.AddAddress(Mx, IPAddress.Loopback);
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

    private async Task<(OutboundTestHost Host, TestSmtpReceiver Receiver)> StartAsync(X509Certificate2 certificate, X509Certificate2? intermediate, Func<int, (byte, byte, byte, byte[])> tlsa, bool authenticated)
    {
        var receiver = new TestSmtpReceiver(certificate, intermediate, "8BITMIME");
        _owned.Add(receiver);
        var name = $"_{receiver.Port}._tcp.{Mx}";
        var (usage, selector, matching, data) = tlsa(receiver.Port);
        _dns.AddTlsa(name, usage, selector, matching, data);
        if (authenticated)
        {
            _dns.MarkAuthenticated(name);
        }
        // No TrustedRootCertificates: only DANE can vouch for these certificates.
        var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Outbound:DnsServers:0"] = _dns.EndPoint.ToString(),
            ["Mail:Outbound:SmtpPort"] = receiver.Port.ToString(CultureInfo.InvariantCulture),
        });
        _owned.Add(host);
        return (host, receiver);
    }

    private static async Task<string> SubmitAsync(OutboundTestHost host)
    {
        var reply = await host.SubmitAsync("alice@example.com", ["carol@dane.test"], OutboundTestHost.Message("alice@example.com", "carol@dane.test"));
        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply, StringComparison.Ordinal);
        return reply["250 2.0.0 Ok: queued as ".Length..];
    }

    private static Task DeliveredAsync(OutboundTestHost host, TestSmtpReceiver receiver) =>
        OutboundTestHost.WaitUntilAsync(() => !receiver.Messages.IsEmpty && host.Queue.ReadAll().Count == 0, "delivery");

    [Fact]
    public async Task DaneEe_SpkiSha256Matches_WithAdBit_IsDeliveredOverTls()
    {
        var certificate = TestPki.SelfSigned(Mx);
        var (host, receiver) = await StartAsync(certificate, null, _ => (3, 1, 1, SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())), authenticated: true);
        await SubmitAsync(host);
        await DeliveredAsync(host, receiver);
        Assert.True(Assert.Single(receiver.Messages).Tls);
    }

    [Fact]
    public async Task DaneEe_FullCertificateSha512Matches_EvenForAnotherName()
    {
        // RFC 7672 §3.1.1: DANE-EE ignores names and validity.
        var certificate = TestPki.SelfSigned("some.other.name");
        var (host, receiver) = await StartAsync(certificate, null, _ => (3, 0, 2, SHA512.HashData(certificate.RawData)), authenticated: true);
        await SubmitAsync(host);
        await DeliveredAsync(host, receiver);
    }

    [Fact]
    public async Task DaneEe_NoRecordMatches_WithAdBit_StaysQueuedWith_4_7_5()
    {
        var certificate = TestPki.SelfSigned(Mx);
        var (host, receiver) = await StartAsync(certificate, null, _ => (3, 1, 1, new byte[32]), authenticated: true);
        var id = await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");
        var last = host.Queue.Read(id)!.Recipients[0].LastReply!;
        Assert.StartsWith($"451 4.7.5 DANE: TLS to {Mx}[127.0.0.1]", last, StringComparison.Ordinal);
        Assert.Contains("no TLSA record matches", last, StringComparison.Ordinal);
        Assert.Empty(receiver.Messages);
    }

    [Fact]
    public async Task Tlsa_WithoutAdBit_IsIgnored_AndDeliveryIsOpportunistic()
    {
        var certificate = TestPki.SelfSigned(Mx);
        var (host, receiver) = await StartAsync(certificate, null, _ => (3, 1, 1, new byte[32]), authenticated: false);
        await SubmitAsync(host);
        await DeliveredAsync(host, receiver);
    }

    [Fact]
    public async Task DaneTa_IntermediateSha256Matches_AndTheNameIsChecked()
    {
        var (host, receiver) = await StartAsync(_pki.Leaf(Mx), _pki.Intermediate, _ => (2, 1, 1, SHA256.HashData(_pki.Intermediate.PublicKey.ExportSubjectPublicKeyInfo())), authenticated: true);
        await SubmitAsync(host);
        await DeliveredAsync(host, receiver);
    }

    [Fact]
    public async Task DaneTa_ChainMatchesButTheNameDoesNot_StaysQueued()
    {
        var (host, receiver) = await StartAsync(_pki.Leaf("wrong.dane.test"), _pki.Intermediate, _ => (2, 0, 1, SHA256.HashData(_pki.Intermediate.RawData)), authenticated: true);
        var id = await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");
        Assert.Contains($"certificate does not name {Mx}", host.Queue.Read(id)!.Recipients[0].LastReply, StringComparison.Ordinal);
        Assert.Empty(receiver.Messages);
    }
}
