using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Mail.Protocols.Hosting;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Imap;
using Mail.Web.Tests.Protocols.Smtp;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// Plaintext mechanisms (IMAP LOGIN, AUTHENTICATE PLAIN/LOGIN, POP3 USER/PASS and AUTH PLAIN, Submission AUTH) are
/// refused without TLS off loopback, alike on the three protocols; SCRAM is still offered; after STARTTLS they work.
/// The host listens on a non-loopback address of this machine when there is one (a real remote peer address);
/// otherwise on loopback with <c>Mail:Authentication:AllowPlaintextOnLoopback=false</c>.
/// </summary>
public sealed class PlaintextPolicyTests : IAsyncLifetime
{
    private MailHostFixture _host = null!;
    private IPAddress _address = IPAddress.Loopback;

    public async Task InitializeAsync()
    {
        _address = NonLoopbackAddress() ?? IPAddress.Loopback;
        var bind = _address + ":0";
        var settings = new Dictionary<string, string?>
        {
            [$"Mail:Endpoints:{MailEndpoints.Imap}"] = bind,
            [$"Mail:Endpoints:{MailEndpoints.Pop3}"] = bind,
            [$"Mail:Endpoints:{MailEndpoints.Submission}"] = bind,
        };
        if (IPAddress.IsLoopback(_address))
        {
            settings["Mail:Authentication:AllowPlaintextOnLoopback"] = "false";
        }
        _host = await MailHostFixture.StartAsync(settings);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>An up IPv4 address of this machine that is not loopback, or null.</summary>
    internal static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a) && !a.ToString().StartsWith("169.254.", StringComparison.Ordinal));

    private IPEndPoint Endpoint(string name) => new(_address, _host.Endpoint(name).Port);

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Imap_WithoutTls_RefusesPlaintextButOffersScram_AndAllowsAfterStartTls()
    {
        await using var c = await ImapTestConnection.ConnectAsync(Endpoint(MailEndpoints.Imap));
        Assert.Contains("LOGINDISABLED", c.Greeting, StringComparison.Ordinal);
        Assert.Contains("AUTH=SCRAM-SHA-256", c.Greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH=PLAIN", c.Greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("SCRAM-SHA-256-PLUS", c.Greeting, StringComparison.Ordinal);
        const string refused = "NO [PRIVACYREQUIRED] Plaintext authentication is disabled; use STARTTLS first";
        Assert.Equal(["a " + refused], await c.CommandAsync($"a LOGIN {MailHostFixture.Alice} {MailHostFixture.Password}"));
        Assert.Equal(["b " + refused], await c.CommandAsync("b AUTHENTICATE PLAIN " + B64($"\0{MailHostFixture.Alice}\0{MailHostFixture.Password}")));
        Assert.Equal(["c " + refused], await c.CommandAsync("c AUTHENTICATE LOGIN"));
        Assert.Equal("d OK Begin TLS negotiation now", (await c.CommandAsync("d STARTTLS"))[^1]);
        await c.UpgradeToTlsAsync(_host.Services.GetRequiredService<TlsCertificateProvider>().Certificate);
        var caps = await c.CommandAsync("e CAPABILITY");
        Assert.Contains("AUTH=PLAIN", caps[0], StringComparison.Ordinal);
        Assert.Contains("AUTH=SCRAM-SHA-256-PLUS", caps[0], StringComparison.Ordinal);
        Assert.DoesNotContain("LOGINDISABLED", caps[0], StringComparison.Ordinal);
        Assert.StartsWith("f OK", (await c.CommandAsync($"f LOGIN {MailHostFixture.Alice} {MailHostFixture.Password}"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Imap_WithoutTls_ScramStillAuthenticates()
    {
        using var client = new ImapClient();
        await client.ConnectAsync(_address.ToString(), Endpoint(MailEndpoints.Imap).Port, SecureSocketOptions.None);
        Assert.Equal(["SCRAM-SHA-256"], client.AuthenticationMechanisms);
        await client.AuthenticateAsync(new SaslMechanismScramSha256(new NetworkCredential(MailHostFixture.Alice, MailHostFixture.Password)));
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task Pop3_WithoutTls_RefusesUserPassAndPlain()
    {
        await using var c = await WireClient.ConnectAsync(Endpoint(MailEndpoints.Pop3));
        await c.ReadLineAsync();
        const string refused = "-ERR [AUTH] plaintext authentication disallowed without TLS, use STLS";
        foreach (var command in new[] { "USER " + MailHostFixture.Bob, "PASS " + MailHostFixture.Password, "AUTH PLAIN " + B64($"\0{MailHostFixture.Bob}\0{MailHostFixture.Password}"), "AUTH LOGIN" })
        {
            await c.SendLineAsync(command);
            Assert.Equal(refused, await c.ReadLineAsync());
        }
        await c.SendLineAsync("AUTH");
        Assert.Equal("+OK supported SASL mechanisms", await c.ReadLineAsync());
        Assert.Equal("SCRAM-SHA-256", await c.ReadLineAsync());
        Assert.Equal(".", await c.ReadLineAsync());
    }

    [Fact]
    public async Task Submission_WithoutTls_OffersNoAuthAndRefusesIt()
    {
        await using var c = await WireClient.ConnectAsync(Endpoint(MailEndpoints.Submission));
        await c.ReadReplyAsync();
        await c.SendLineAsync("EHLO client.example");
        Assert.DoesNotContain("AUTH", await c.ReadReplyAsync(), StringComparison.Ordinal);
        await c.SendLineAsync("AUTH PLAIN " + B64($"\0{MailHostFixture.Alice}\0{MailHostFixture.Password}"));
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await c.ReadReplyAsync());
        await c.SendLineAsync("AUTH SCRAM-SHA-256");
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await c.ReadReplyAsync());
    }
}
