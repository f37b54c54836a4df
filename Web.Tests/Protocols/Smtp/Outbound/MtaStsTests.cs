using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mail.Protocols.Smtp.Outbound.Tls;
using Mail.Protocols.Smtp.Outbound.TlsReporting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// MTA-STS (RFC 8461) end to end: the <c>_mta-sts</c> TXT record from <see cref="TestDnsServer"/>, the policy from an
/// in-process Kestrel HTTPS server with a <see cref="TestPki"/> certificate for <c>mta-sts.sts.test</c>
/// (<c>Mail:Outbound:MtaStsPolicyEndpoint</c> points the connection at it), and <see cref="TestSmtpReceiver"/> as the MX.
/// </summary>
#pragma warning disable CA1001 // IAsyncLifetime.DisposeAsync disposes them.
public sealed class MtaStsTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Enforce = "version: STSv1\nmode: enforce\nmx: *.sts.test\nmax_age: 86400\n";
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly TestPki _pki = new();
    private TestDnsServer _dns = null!;
    private WebApplication _web = null!;
    private int _fetches;
    private int _status = 200;

    private string Policy { get; set; } = Enforce;

    public async Task InitializeAsync()
    {
        _dns = new TestDnsServer();
        var certificate = _pki.Leaf("mta-sts.sts.test");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ServerCertificateChain = [_pki.Intermediate],
        })));
        _web = builder.Build();
        _web.MapGet("/.well-known/mta-sts.txt", () =>
        {
            Interlocked.Increment(ref _fetches);
            return Results.Text(Policy, "text/plain", statusCode: _status);
        });
        await _web.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var item in _owned.AsEnumerable().Reverse())
        {
            await item.DisposeAsync();
        }
        await _web.DisposeAsync();
        await _dns.DisposeAsync();
        _pki.Dispose();
    }

    private int WebPort => new Uri(_web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    private async Task<OutboundTestHost> HostAsync(int smtpPort, string? dataPath = null, string? policyEndpoint = null, TimeProvider? time = null, bool trustRoot = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mail:Outbound:DnsServers:0"] = _dns.EndPoint.ToString(),
            ["Mail:Outbound:SmtpPort"] = smtpPort.ToString(CultureInfo.InvariantCulture),
            ["Mail:Outbound:TlsReporting:Address"] = "tlsrpt-noreply@example.com",
            ["Mail:Outbound:MtaStsPolicyEndpoint"] = policyEndpoint ?? $"127.0.0.1:{WebPort}",
            // Each message opens its own session, so each one meets the policy (a cached session was checked when opened).
            ["Mail:Outbound:ConnectionCacheSeconds"] = "0",
        };
        if (trustRoot)
        {
            settings["Mail:Outbound:TrustedRootCertificates:0"] = _pki.RootPemPath;
        }
        var host = await OutboundTestHost.StartAsync(settings, time, dataPath);
        _owned.Add(host);
        return host;
    }

    /// <summary>Delivers one message under the enforce policy, then stops the host keeping its data; returns the data path.</summary>
    private async Task<string> FirstRunAsync(TestSmtpReceiver receiver)
    {
        var first = await HostAsync(receiver.Port);
        await SubmitAsync(first, "first");
        await OutboundTestHost.WaitUntilAsync(() => receiver.Messages.Count == 1 && first.Queue.ReadAll().Count == 0, "first delivery");
        Assert.True(File.Exists(Path.Combine(first.DataPath, "mta-sts", "sts.test.json")));
        first.KeepData = true;
        _owned.Remove(first);
        await first.DisposeAsync();
        return first.DataPath;
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static string ClosedEndpoint()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }

    private TestSmtpReceiver Receiver(X509Certificate2 certificate, X509Certificate2? intermediate)
    {
        var receiver = new TestSmtpReceiver(certificate, intermediate, "8BITMIME");
        _owned.Add(receiver);
        return receiver;
    }

    private void Publish(string mx, string id = "20261130")
    {
        _dns.AddTxt("_mta-sts.sts.test", $"v=STSv1; id={id}");
        _dns.AddMx("sts.test", 10, mx);
        _dns.AddAddress(mx, IPAddress.Loopback);
    }

    private static async Task<string> SubmitAsync(OutboundTestHost host, string subject = "Hello")
    {
        var reply = await host.SubmitAsync("alice@example.com", ["carol@sts.test"], OutboundTestHost.Message("alice@example.com", "carol@sts.test", subject));
        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply, StringComparison.Ordinal);
        return reply["250 2.0.0 Ok: queued as ".Length..];
    }

    [Fact]
    public async Task Enforce_MatchingMxWithValidCertificate_IsDeliveredOverTls()
    {
        Publish("mx1.sts.test");
        var receiver = Receiver(_pki.Leaf("mx1.sts.test"), _pki.Intermediate);
        var host = await HostAsync(receiver.Port);
        await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => !receiver.Messages.IsEmpty && host.Queue.ReadAll().Count == 0, "delivery");
        Assert.True(Assert.Single(receiver.Messages).Tls);
        Assert.Equal(1, _fetches);
    }

    [Fact]
    public async Task Enforce_MxNotInPolicy_IsNotUsed_AndTheMessageStaysQueuedWith_4_7_5()
    {
        Publish("mx.elsewhere.test");
        var receiver = Receiver(_pki.Leaf("mx.elsewhere.test"), _pki.Intermediate);
        var host = await HostAsync(receiver.Port);
        var id = await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");
        Assert.StartsWith("451 4.7.5 MTA-STS: mx.elsewhere.test is not an mx of the policy", host.Queue.Read(id)!.Recipients[0].LastReply, StringComparison.Ordinal);
        Assert.Empty(receiver.Commands);
    }

    [Fact]
    public async Task Enforce_UntrustedCertificate_StaysQueued_ButTestingModeDelivers()
    {
        Publish("mx1.sts.test");
        var receiver = Receiver(TestPki.SelfSigned("mx1.sts.test"), null);
        var host = await HostAsync(receiver.Port);
        var id = await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");
        var last = host.Queue.Read(id)!.Recipients[0].LastReply!;
        Assert.StartsWith("451 4.7.5 MTA-STS: TLS to mx1.sts.test[127.0.0.1]", last, StringComparison.Ordinal);
        Assert.Contains("not trusted", last, StringComparison.Ordinal);
        Assert.Empty(receiver.Messages);

        // A new id makes the sender fetch the policy again: testing mode only reports (RFC 8461 §5).
        Policy = Enforce.Replace("enforce", "testing", StringComparison.Ordinal);
        _dns.RemoveAll("_mta-sts.sts.test");
        _dns.AddTxt("_mta-sts.sts.test", "v=STSv1; id=2");
        host.Queue.RequestControl(id, "retry");
        await OutboundTestHost.WaitUntilAsync(() => !receiver.Messages.IsEmpty && host.Queue.ReadAll().Count == 0, "delivery in testing mode");
        Assert.Equal(2, _fetches);
    }

    [Fact]
    public async Task Policy_IsCachedUntilMaxAge_EvenWhenTheTxtRecordDisappears()
    {
        Publish("mx1.sts.test");
        var receiver = Receiver(_pki.Leaf("mx1.sts.test"), _pki.Intermediate);
        var host = await HostAsync(receiver.Port);
        await SubmitAsync(host, "first");
        await OutboundTestHost.WaitUntilAsync(() => receiver.Messages.Count == 1 && host.Queue.ReadAll().Count == 0, "first delivery");

        // An attacker strips the TXT record and points MX elsewhere: the cached enforce policy still holds.
        _dns.RemoveAll("_mta-sts.sts.test");
        _dns.RemoveAll("sts.test");
        _dns.AddMx("sts.test", 10, "evil.attacker.test");
        _dns.AddAddress("evil.attacker.test", IPAddress.Loopback);
        var id = await SubmitAsync(host, "second");
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the second message's attempt");
        Assert.StartsWith("451 4.7.5 MTA-STS: evil.attacker.test is not an mx", host.Queue.Read(id)!.Recipients[0].LastReply, StringComparison.Ordinal);
        Assert.Single(receiver.Messages);
        Assert.Equal(1, _fetches);
    }

    [Fact]
    public async Task Policy_SurvivesRestart_AndHoldsWhenThePolicyHostIsUnreachable()
    {
        Publish("mx1.sts.test");
        var receiver = Receiver(_pki.Leaf("mx1.sts.test"), _pki.Intermediate);
        var dataPath = await FirstRunAsync(receiver);

        // After the restart the policy host is unreachable, the TXT record is gone and MX points elsewhere:
        // the enforce policy read back from the data path still refuses the unlisted MX (RFC 8461 §5.1).
        _dns.RemoveAll("_mta-sts.sts.test");
        _dns.RemoveAll("sts.test");
        _dns.AddMx("sts.test", 10, "evil.attacker.test");
        _dns.AddAddress("evil.attacker.test", IPAddress.Loopback);
        var host = await HostAsync(receiver.Port, dataPath, ClosedEndpoint());
        var id = await SubmitAsync(host, "second");
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the attempt after the restart");
        Assert.StartsWith("451 4.7.5 MTA-STS: evil.attacker.test is not an mx", host.Queue.Read(id)!.Recipients[0].LastReply, StringComparison.Ordinal);
        Assert.Single(receiver.Messages);
        Assert.Equal(1, _fetches);
    }

    [Fact]
    public async Task Policy_AfterRestart_IsUsedWithoutFetch_AndFetchedAgainWhenTheTxtIdChanges()
    {
        Publish("mx1.sts.test");
        var receiver = Receiver(_pki.Leaf("mx1.sts.test"), _pki.Intermediate);
        var dataPath = await FirstRunAsync(receiver);

        var host = await HostAsync(receiver.Port, dataPath);
        await SubmitAsync(host, "same id");
        await OutboundTestHost.WaitUntilAsync(() => receiver.Messages.Count == 2 && host.Queue.ReadAll().Count == 0, "delivery under the stored policy");
        Assert.Equal(1, _fetches);

        // A new id: the new policy (mx listing only another host) replaces the stored one, in memory and on disk.
        Policy = Enforce.Replace("*.sts.test", "mx9.sts.test", StringComparison.Ordinal);
        _dns.RemoveAll("_mta-sts.sts.test");
        _dns.AddTxt("_mta-sts.sts.test", "v=STSv1; id=2");
        var id = await SubmitAsync(host, "new id");
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the attempt under the new policy");
        Assert.StartsWith("451 4.7.5 MTA-STS: mx1.sts.test is not an mx", host.Queue.Read(id)!.Recipients[0].LastReply, StringComparison.Ordinal);
        Assert.Equal(2, _fetches);
        Assert.Contains("mx9.sts.test", await File.ReadAllTextAsync(Path.Combine(dataPath, "mta-sts", "sts.test.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoredPolicy_PastMaxAge_IsDropped_AfterRestart()
    {
        Publish("mx1.sts.test");
        var receiver = Receiver(_pki.Leaf("mx1.sts.test"), _pki.Intermediate);
        var dataPath = await FirstRunAsync(receiver);

        // Two days later (max_age is one day), no TXT record and an unreachable policy host: no policy applies.
        _dns.RemoveAll("_mta-sts.sts.test");
        _dns.RemoveAll("sts.test");
        _dns.AddMx("sts.test", 10, "other.elsewhere.test");
        _dns.AddAddress("other.elsewhere.test", IPAddress.Loopback);
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(2));
        var host = await HostAsync(receiver.Port, dataPath, ClosedEndpoint(), later);
        await SubmitAsync(host, "after max_age");
        await OutboundTestHost.WaitUntilAsync(() => receiver.Messages.Count == 2 && host.Queue.ReadAll().Count == 0, "opportunistic delivery");
        Assert.False(File.Exists(Path.Combine(dataPath, "mta-sts", "sts.test.json")));
    }

    [Theory]
    [InlineData("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n", true)]
    [InlineData("version: STSv1\nmode: none\nmax_age: 86400\n", true)]
    [InlineData("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 86400\n", false)]
    [InlineData("version: STSv1\nmode: enforce\nmax_age: 86400\n", false)]
    [InlineData("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 86400\n", false)]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", false)]
    public void Parse_FollowsRfc8461Section3_2(string text, bool valid) =>
        Assert.Equal(valid, MtaStsPolicy.Parse(text, "1", DateTimeOffset.UnixEpoch) is not null);

    [Theory]
    [InlineData("mail.example.com", true)]
    [InlineData("MAIL.example.com.", true)]
    [InlineData("mx1.example.net", true)]
    [InlineData("a.mx1.example.net", false)]
    [InlineData("example.net", false)]
    [InlineData("mail.example.org", false)]
    public void Matches_ExactOrOneLabelWildcard(string host, bool matches)
    {
        var policy = MtaStsPolicy.Parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 86400\n", "1", DateTimeOffset.UnixEpoch)!;
        Assert.Equal(matches, policy.Matches(host));
    }

    /// <summary>RFC 8460 §4.3.2.2: a policy that cannot be had is counted for the domain's report; delivery goes on without it.</summary>
    [Theory]
    [InlineData(404, Enforce, TlsResultType.StsPolicyFetchError, true)]
    [InlineData(200, "version: STSv1\nmode: sometimes\nmx: *.sts.test\nmax_age: 86400\n", TlsResultType.StsPolicyInvalid, true)]
    [InlineData(200, Enforce, TlsResultType.StsWebPkiInvalid, false)]
    public async Task PolicyNotHad_CountsItsResultType_AndDeliversWithoutPolicy(int status, string policy, string resultType, bool trustRoot)
    {
        _status = status;
        Policy = policy;
        Publish("mx1.sts.test");
        var receiver = Receiver(TestPki.SelfSigned("mx1.sts.test"), null);
        var host = await HostAsync(receiver.Port, trustRoot: trustRoot);
        await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => !receiver.Messages.IsEmpty && host.Queue.ReadAll().Count == 0, "delivery without a policy");
        var (reportPolicy, _) = await TlsReportResultTypeTests.FailureAsync(host, resultType);
        Assert.Equal(("sts.test", "sts"), (reportPolicy.Domain, reportPolicy.Type));
    }
}
