using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mail.Protocols.Smtp.Outbound.TlsReporting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// TLSRPT (RFC 8460) end to end: <see cref="TestDnsServer"/> publishes MX and <c>_smtp._tls</c> records, one
/// <see cref="TestSmtpReceiver"/> is every MX (with STARTTLS); <c>dane.test</c>'s MX has an authenticated TLSA record
/// its certificate does not match (a failed session). The reports are asked for with the <c>admin tlsrpt send</c>
/// request file; mailto reports come back through our queue to the receiver, https ones to an in-process Kestrel server.
/// </summary>
#pragma warning disable CA1001 // IAsyncLifetime.DisposeAsync disposes them.
public sealed partial class TlsReportTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Reporter = "tlsrpt-noreply@example.com";
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly TestPki _pki = new();
    private readonly ConcurrentQueue<(string? ContentType, byte[] Body)> _uploads = new();
    private TestDnsServer _dns = null!;
    private WebApplication _web = null!;
    private TestSmtpReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _dns = new TestDnsServer();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = _pki.Leaf("rua.reports.test"),
            ServerCertificateChain = [_pki.Intermediate],
        })));
        _web = builder.Build();
        _web.MapPost("/tlsrpt", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _uploads.Enqueue((request.ContentType, body.ToArray()));
            return Results.Ok();
        });
        await _web.StartAsync();
        _receiver = new TestSmtpReceiver(TestPki.SelfSigned("mx.test"), null, "8BITMIME");
        _owned.Add(_receiver);

        foreach (var domain in new[] { "plain.test", "dane.test", "silent.test", "reports.test" })
        {
            _dns.AddMx(domain, 10, "mx." + domain);
            _dns.AddAddress("mx." + domain, IPAddress.Loopback);
        }
        _dns.AddAddress("rua.reports.test", IPAddress.Loopback);
        var tlsa = $"_{_receiver.Port}._tcp.mx.dane.test";
        _dns.AddTlsa(tlsa, 3, 1, 1, new byte[32]);
        _dns.MarkAuthenticated(tlsa);
        _dns.AddTxt("_smtp._tls.plain.test", $"v=TLSRPTv1; rua=mailto:tlsrpt@reports.test,https://rua.reports.test:{WebPort}/tlsrpt");
        _dns.AddTxt("_smtp._tls.dane.test", "v=TLSRPTv1;rua=mailto:tlsrpt@reports.test");
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

    private async Task<OutboundTestHost> HostAsync(string? dataPath = null)
    {
        var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Outbound:DnsServers:0"] = _dns.EndPoint.ToString(),
            ["Mail:Outbound:SmtpPort"] = _receiver.Port.ToString(CultureInfo.InvariantCulture),
            ["Mail:Outbound:TrustedRootCertificates:0"] = _pki.RootPemPath,
            ["Mail:Outbound:TlsReporting:Address"] = Reporter,
            ["Mail:Outbound:TlsReporting:Organization"] = "Example Mail",
        }, dataPath: dataPath);
        _owned.Add(host);
        return host;
    }

    private static async Task SubmitAsync(OutboundTestHost host, params string[] to)
    {
        var reply = await host.SubmitAsync("alice@example.com", to, OutboundTestHost.Message("alice@example.com", to[0]));
        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply, StringComparison.Ordinal);
    }

    /// <summary>Does what <c>admin tlsrpt send</c> does and waits until the server took the request.</summary>
    private static async Task SendReportsNowAsync(OutboundTestHost host)
    {
        var path = TlsReportControl.RequestSendNow(host.DataPath);
        await OutboundTestHost.WaitUntilAsync(() => !File.Exists(path), "the report request to be taken");
    }

    /// <summary>The report mails the receiver got, by TLS-Report-Domain.</summary>
    private Dictionary<string, MimeMessage> Reports() => _receiver.Messages
        .Where(m => m.Mail.Contains(Reporter, StringComparison.Ordinal))
        .Select(m => MimeMessage.Load(new MemoryStream(m.Data)))
        .ToDictionary(m => m.Headers["TLS-Report-Domain"] ?? "", StringComparer.Ordinal);

    private static JsonElement Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        return JsonDocument.Parse(input).RootElement.Clone();
    }

    private static JsonElement ReportJson(MimeMessage mail, out string fileName)
    {
        var part = Assert.Single(mail.BodyParts.OfType<MimePart>(), p => p.ContentType.IsMimeType("application", "tlsrpt+gzip"));
        fileName = part.FileName ?? "";
        using var gzip = new MemoryStream();
        part.Content!.DecodeTo(gzip);
        return Gunzip(gzip.ToArray());
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex Rfc3339();

    /// <summary>The fields every RFC 8460 §4.4 report has, and its one policy of <paramref name="domain"/>.</summary>
    private static JsonElement AssertReportShape(JsonElement report, string domain)
    {
        Assert.Equal("Example Mail", report.GetProperty("organization-name").GetString());
        Assert.Equal(Reporter, report.GetProperty("contact-info").GetString());
        Assert.False(string.IsNullOrEmpty(report.GetProperty("report-id").GetString()));
        var range = report.GetProperty("date-range");
        var start = range.GetProperty("start-datetime").GetString()!;
        var end = range.GetProperty("end-datetime").GetString()!;
        Assert.Matches(Rfc3339(), start);
        Assert.Matches(Rfc3339(), end);
        Assert.True(DateTimeOffset.Parse(start, CultureInfo.InvariantCulture) <= DateTimeOffset.Parse(end, CultureInfo.InvariantCulture));
        var policy = Assert.Single(report.GetProperty("policies").EnumerateArray());
        Assert.Equal(domain, policy.GetProperty("policy").GetProperty("policy-domain").GetString());
        return policy;
    }

    [Fact]
    public async Task SendNow_ReportsSuccessesAndFailures_ByMailAndHttps_OnlyToDomainsWithARecord()
    {
        var host = await HostAsync();
        await SubmitAsync(host, "carol@plain.test", "dave@dane.test", "erin@silent.test");
        await OutboundTestHost.WaitUntilAsync(() => _receiver.Messages.Count == 2
            && host.Queue.ReadAll() is [{ } entry] && entry.Recipients.Single(r => r.Address == "dave@dane.test").LastReply is not null, "deliveries and the DANE failure");

        await SendReportsNowAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => Reports().Count == 2 && !_uploads.IsEmpty, "two report mails and one upload");
        var reports = Reports();
        Assert.Equal(["dane.test", "plain.test"], reports.Keys.Order(StringComparer.Ordinal));

        // §5.3: the mail format.
        var plainMail = reports["plain.test"];
        Assert.Equal("example.com", plainMail.Headers["TLS-Report-Submitter"]);
        Assert.Equal("tlsrpt", plainMail.Body!.ContentType.Parameters["report-type"]);
        Assert.True(plainMail.Body.ContentType.IsMimeType("multipart", "report"));
        var plain = ReportJson(plainMail, out var fileName);
        Assert.Matches(@"^example\.com!plain\.test!\d+!\d+!.+\.json\.gz$", fileName);
        Assert.Equal($"Report Domain: plain.test Submitter: example.com Report-ID: <{plain.GetProperty("report-id").GetString()}>", plainMail.Subject);

        var plainPolicy = AssertReportShape(plain, "plain.test");
        Assert.Equal("no-policy-found", plainPolicy.GetProperty("policy").GetProperty("policy-type").GetString());
        Assert.Equal(1, plainPolicy.GetProperty("summary").GetProperty("total-successful-session-count").GetInt64());
        Assert.Equal(0, plainPolicy.GetProperty("summary").GetProperty("total-failure-session-count").GetInt64());

        var danePolicy = AssertReportShape(ReportJson(reports["dane.test"], out _), "dane.test");
        var policy = danePolicy.GetProperty("policy");
        Assert.Equal("tlsa", policy.GetProperty("policy-type").GetString());
        Assert.Equal("3 1 1 " + new string('0', 64), Assert.Single(policy.GetProperty("policy-string").EnumerateArray()).GetString());
        Assert.Equal("mx.dane.test", Assert.Single(policy.GetProperty("mx-host").EnumerateArray()).GetString());
        Assert.Equal(0, danePolicy.GetProperty("summary").GetProperty("total-successful-session-count").GetInt64());
        Assert.Equal(1, danePolicy.GetProperty("summary").GetProperty("total-failure-session-count").GetInt64());
        var failure = Assert.Single(danePolicy.GetProperty("failure-details").EnumerateArray());
        Assert.Equal("certificate-host-mismatch", failure.GetProperty("result-type").GetString());
        Assert.Equal("127.0.0.1", failure.GetProperty("sending-mta-ip").GetString());
        Assert.Equal("mx.dane.test", failure.GetProperty("receiving-mx-hostname").GetString());
        Assert.Equal("127.0.0.1", failure.GetProperty("receiving-ip").GetString());
        Assert.Equal(1, failure.GetProperty("failed-session-count").GetInt64());

        // §5.4: the same report POSTed to the https rua as application/tlsrpt+gzip.
        var upload = Assert.Single(_uploads);
        Assert.Equal("application/tlsrpt+gzip", upload.ContentType);
        var uploaded = Gunzip(upload.Body);
        AssertReportShape(uploaded, "plain.test");
        Assert.Equal(plain.GetProperty("report-id").GetString(), uploaded.GetProperty("report-id").GetString());

        // The period ended: asking again sends nothing new.
        var before = _receiver.Messages.Count;
        await SendReportsNowAsync(host);
        Assert.Equal(before, _receiver.Messages.Count);
    }

    [Fact]
    public async Task Counters_SurviveARestart()
    {
        var first = await HostAsync();
        await SubmitAsync(first, "carol@plain.test");
        await OutboundTestHost.WaitUntilAsync(() => _receiver.Messages.Count == 1 && first.Queue.ReadAll().Count == 0, "delivery");
        first.KeepData = true;
        _owned.Remove(first);
        await first.DisposeAsync();

        var host = await HostAsync(first.DataPath);
        await SendReportsNowAsync(host);
        await OutboundTestHost.WaitUntilAsync(() => Reports().Count == 1, "the report mail");
        var policy = AssertReportShape(ReportJson(Reports()["plain.test"], out _), "plain.test");
        Assert.Equal(1, policy.GetProperty("summary").GetProperty("total-successful-session-count").GetInt64());
    }

    [Theory]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.com", 1)]
    [InlineData("v=TLSRPTv1;rua=mailto:a@example.com,https://r.example.com/x", 2)]
    [InlineData("v=TLSRPTv1; rua=http://r.example.com/x", 0)]
    [InlineData("v=TLSRPTv2; rua=mailto:a@example.com", 0)]
    [InlineData("rua=mailto:a@example.com; v=TLSRPTv1", 0)]
    public void ParseRecord_FollowsRfc8460Section3(string record, int uris) =>
        Assert.Equal(uris, TlsReportBuilder.ParseRecord(record)?.Count ?? 0);
}
