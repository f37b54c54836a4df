using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Mail.Protocols.Smtp.Outbound.TlsReporting;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// The DANE result types of RFC 8460 §4.3, counted where they happen: <c>tlsa-invalid</c> (authenticated TLSA records,
/// none usable: mandatory unauthenticated TLS, RFC 7672 §2.2), <c>dnssec-invalid</c> (the TLSA lookup of a
/// DNSSEC-signed host fails: the host is not used, §2.2.1) and <c>dane-required</c> (a domain configured for mandatory
/// DANE, §6, whose MX has no usable TLSA record). <see cref="TestDnsServer"/> sets the AD bit on names marked
/// authenticated and answers SERVFAIL for broken ones; <see cref="TestSmtpReceiver"/> with a self-signed certificate is the MX.
/// </summary>
#pragma warning disable CA1001 // IAsyncLifetime.DisposeAsync disposes them.
public sealed class TlsReportResultTypeTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Mx = "mx.dane.test";
    private readonly List<IAsyncDisposable> _owned = [];
    private TestDnsServer _dns = null!;
    private TestSmtpReceiver _receiver = null!;

    public Task InitializeAsync()
    {
        _dns = new TestDnsServer();
        _dns.AddMx("dane.test", 10, Mx);
        _dns.AddAddress(Mx, IPAddress.Loopback);
        _receiver = new TestSmtpReceiver(TestPki.SelfSigned(Mx), null, "8BITMIME");
        _owned.Add(_receiver);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var item in _owned.AsEnumerable().Reverse())
        {
            await item.DisposeAsync();
        }
        await _dns.DisposeAsync();
    }

    private string TlsaName => $"_{_receiver.Port}._tcp.{Mx}";

    private async Task<OutboundTestHost> HostAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mail:Outbound:DnsServers:0"] = _dns.EndPoint.ToString(),
            ["Mail:Outbound:SmtpPort"] = _receiver.Port.ToString(CultureInfo.InvariantCulture),
            ["Mail:Outbound:TlsReporting:Address"] = "tlsrpt-noreply@example.com",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        var host = await OutboundTestHost.StartAsync(settings);
        _owned.Add(host);
        return host;
    }

    private static async Task<string> SubmitAsync(OutboundTestHost host)
    {
        var reply = await host.SubmitAsync("alice@example.com", ["carol@dane.test"], OutboundTestHost.Message("alice@example.com", "carol@dane.test"));
        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply, StringComparison.Ordinal);
        return reply["250 2.0.0 Ok: queued as ".Length..];
    }

    /// <summary>Waits until the collector counted a failure of <paramref name="resultType"/>; returns its policy and detail.</summary>
    internal static async Task<(TlsReportPolicy Policy, TlsReportCollector.FailureDetail Detail)> FailureAsync(OutboundTestHost host, string resultType)
    {
        var collector = host.Services.GetRequiredService<TlsReportCollector>();
        var seen = new ConcurrentBag<(TlsReportPolicy, TlsReportCollector.FailureDetail)>();
        await OutboundTestHost.WaitUntilAsync(() =>
        {
            // Take ends the period: what it returns is kept here, so nothing counted is lost between polls.
            foreach (var counts in collector.Take(DateTimeOffset.UtcNow).Policies.Values)
            {
                foreach (var detail in counts.Details)
                {
                    seen.Add((counts.Policy, detail));
                }
            }
            return seen.Any(s => s.Item2.ResultType == resultType);
        }, "a " + resultType + " failure");
        return seen.First(s => s.Item2.ResultType == resultType);
    }

    [Fact]
    public async Task AuthenticatedTlsa_NoneUsable_DeliversOverTlsWithoutAuthentication_AndCountsTlsaInvalid()
    {
        // Usage 1 (PKIX-EE) is not for SMTP (RFC 7672 §3.1.3): the record set is unusable.
        _dns.AddTlsa(TlsaName, 1, 1, 1, new byte[32]);
        _dns.MarkAuthenticated(TlsaName);
        var host = await HostAsync();
        await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => !_receiver.Messages.IsEmpty && host.Queue.ReadAll().Count == 0, "delivery");
        Assert.True(Assert.Single(_receiver.Messages).Tls);
        var (policy, detail) = await FailureAsync(host, TlsResultType.TlsaInvalid);
        Assert.Equal(TlsReportPolicy.Tlsa, policy.Type);
        Assert.Equal("1 1 1 " + new string('0', 64), Assert.Single(policy.Strings));
        Assert.Equal(Mx, detail.ReceivingMx);
        Assert.Equal("127.0.0.1", detail.ReceivingIp);
    }

    [Fact]
    public async Task AuthenticatedTlsa_NoneUsable_WithoutStartTls_StaysQueuedWith_4_7_5()
    {
        var plain = new TestSmtpReceiver(null, null, "8BITMIME");
        _owned.Add(plain);
        var name = $"_{plain.Port}._tcp.{Mx}";
        _dns.AddTlsa(name, 3, 1, 9, new byte[32]);
        _dns.MarkAuthenticated(name);
        var host = await HostAsync(new() { ["Mail:Outbound:SmtpPort"] = plain.Port.ToString(CultureInfo.InvariantCulture) });
        var id = await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");
        Assert.StartsWith("451 4.7.5 DANE: TLS to " + Mx, host.Queue.Read(id)!.Recipients[0].LastReply, StringComparison.Ordinal);
        Assert.Empty(plain.Messages);
        await FailureAsync(host, TlsResultType.StartTlsNotSupported);
    }

    [Fact]
    public async Task TlsaLookupFails_ForSignedHost_HostIsNotUsed_AndCountsDnssecInvalid()
    {
        _dns.AddBroken(TlsaName);
        _dns.MarkAuthenticated(Mx);
        var host = await HostAsync();
        var id = await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");
        Assert.StartsWith($"451 4.7.5 DANE: TLSA lookup for {TlsaName} failed", host.Queue.Read(id)!.Recipients[0].LastReply, StringComparison.Ordinal);
        Assert.Empty(_receiver.Messages);
        var (policy, detail) = await FailureAsync(host, TlsResultType.DnssecInvalid);
        Assert.Equal(TlsReportPolicy.Tlsa, policy.Type);
        Assert.Equal("dane.test", policy.Domain);
        Assert.Equal(Mx, detail.ReceivingMx);
    }

    [Fact]
    public async Task TlsaLookupFails_ForUnsignedHost_DeliversOpportunistically()
    {
        _dns.AddBroken(TlsaName);
        var host = await HostAsync();
        await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => !_receiver.Messages.IsEmpty && host.Queue.ReadAll().Count == 0, "delivery");
    }

    [Fact]
    public async Task DaneRequiredDomain_MxWithoutAuthenticatedTlsa_IsNotUsed_AndCountsDaneRequired()
    {
        // A TLSA record without the AD bit does not count (RFC 7672 §2.2).
        _dns.AddTlsa(TlsaName, 3, 1, 1, new byte[32]);
        var host = await HostAsync(new() { ["Mail:Outbound:DaneRequiredDomains:0"] = "dane.test" });
        var id = await SubmitAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");
        Assert.StartsWith($"451 4.7.5 DANE: required for dane.test, {Mx} has no usable DNSSEC-validated TLSA record",
            host.Queue.Read(id)!.Recipients[0].LastReply, StringComparison.Ordinal);
        Assert.Empty(_receiver.Messages);
        var (policy, detail) = await FailureAsync(host, TlsResultType.DaneRequired);
        Assert.Equal(TlsReportPolicy.Tlsa, policy.Type);
        Assert.Equal(Mx, detail.ReceivingMx);
    }
}
