using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Mail.Web.Tests.Protocols.Smtp.Outbound;

namespace Mail.Web.Tests.Protocols.Smtp.Submission;

/// <summary>Transcripts of AUTH and the "STARTTLS before AUTH before MAIL" order on Submission (RFC 6409, 4954, 3207, 8314).</summary>
public sealed class SubmissionAuthTests : IAsyncLifetime
{
    private OutboundTestHost _host = null!;

    public async Task InitializeAsync() => _host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Submission:MaxAuthFailures"] = "2", ["Mail:Authentication:AllowPlaintextOnLoopback"] = "false" }, outbound: false);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<WireClient> ConnectAsync()
    {
        var client = await WireClient.ConnectAsync(_host.Submission);
        Assert.Equal("220 mail.test.example ESMTP", await client.ReadReplyAsync());
        await client.SendLineAsync("EHLO client.example");
        var ehlo = await client.ReadReplyAsync();
        Assert.Contains("250-STARTTLS", ehlo, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", ehlo, StringComparison.Ordinal);
        return client;
    }

    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    [Fact]
    public async Task Auth_BeforeStartTls_Returns530()
    {
        await using var client = await ConnectAsync();
        await client.SendLineAsync("AUTH PLAIN " + Plain("alice@example.com", "password"));
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Mail_BeforeAuth_Returns530()
    {
        await using var client = await ConnectAsync();
        await client.SendLineAsync("MAIL FROM:<alice@example.com>");
        Assert.Equal("530 5.7.0 Authentication required", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<victim@remote.example>");
        Assert.StartsWith("503 5.5.1", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task AuthPlain_AfterStartTls_Returns235AndEhloOffersAuth()
    {
        await using var client = await ConnectAsync();
        await client.SendLineAsync("STARTTLS");
        Assert.StartsWith("220 2.0.0", await client.ReadReplyAsync());
        await client.StartTlsAsync();
        await client.SendLineAsync("EHLO client.example");
        var ehlo = await client.ReadReplyAsync();
        Assert.Contains("250-AUTH PLAIN LOGIN", ehlo, StringComparison.Ordinal);
        Assert.DoesNotContain("STARTTLS", ehlo, StringComparison.Ordinal);
        await client.SendLineAsync("AUTH PLAIN " + Plain("alice@example.com", "password"));
        Assert.Equal("235 2.7.0 Authentication successful", await client.ReadReplyAsync());
        await client.SendLineAsync("AUTH PLAIN " + Plain("alice@example.com", "password"));
        Assert.StartsWith("503 5.5.1", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task AuthLogin_WithChallenges_Returns235()
    {
        await using var client = await ConnectAsync();
        await client.SendLineAsync("STARTTLS");
        await client.ReadReplyAsync();
        await client.StartTlsAsync();
        await client.SendLineAsync("EHLO client.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("AUTH LOGIN");
        Assert.Equal("334 VXNlcm5hbWU6", await client.ReadReplyAsync());
        await client.SendLineAsync(Convert.ToBase64String("bob@example.com"u8.ToArray()));
        Assert.Equal("334 UGFzc3dvcmQ6", await client.ReadReplyAsync());
        await client.SendLineAsync(Convert.ToBase64String("password"u8.ToArray()));
        Assert.Equal("235 2.7.0 Authentication successful", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Auth_WrongPassword_Returns535ThenClosesAfterLimit()
    {
        await using var client = await ConnectAsync();
        await client.SendLineAsync("STARTTLS");
        await client.ReadReplyAsync();
        await client.StartTlsAsync();
        await client.SendLineAsync("EHLO client.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("AUTH PLAIN " + Plain("alice@example.com", "wrong"));
        Assert.Equal("535 5.7.8 Error: authentication failed", await client.ReadReplyAsync());
        await client.SendLineAsync("AUTH LOGIN");
        await client.ReadReplyAsync();
        await client.SendLineAsync("*");
        Assert.StartsWith("501 5.7.0", await client.ReadReplyAsync());
        await client.SendLineAsync("AUTH PLAIN " + Plain("alice@example.com", "wrong"));
        Assert.Equal("535 5.7.8 Error: authentication failed", await client.ReadReplyAsync());
        Assert.StartsWith("421 4.7.0", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Auth_UnknownMechanism_Returns504()
    {
        await using var client = await ConnectAsync();
        await client.SendLineAsync("STARTTLS");
        await client.ReadReplyAsync();
        await client.StartTlsAsync();
        await client.SendLineAsync("EHLO client.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("AUTH CRAM-MD5");
        Assert.StartsWith("504 5.5.4", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task ImplicitTls_GreetsInsideTlsAndOffersAuthWithoutStartTls()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_host.SubmissionTls);
#pragma warning disable CA5359
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
#pragma warning restore CA5359
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        using var reader = new StreamReader(ssl, Encoding.ASCII);
        Assert.Equal("220 mail.test.example ESMTP", await reader.ReadLineAsync());
        await ssl.WriteAsync("EHLO client.example\r\nSTARTTLS\r\n"u8.ToArray());
        var lines = new List<string>();
        string? line;
        do
        {
            line = await reader.ReadLineAsync();
            lines.Add(line!);
        }
        while (line![3] == '-');
        Assert.Contains("250-AUTH PLAIN LOGIN", lines);
        Assert.DoesNotContain(lines, l => l.Contains("STARTTLS", StringComparison.Ordinal));
        Assert.StartsWith("503 5.5.1", await reader.ReadLineAsync());
    }

    [Fact]
    public async Task Auth_PlaintextOnLoopback_AllowedByDefault()
    {
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?>(), outbound: false);
        await using var client = await WireClient.ConnectAsync(host.Submission);
        await client.ReadReplyAsync();
        await client.SendLineAsync("EHLO client.example");
        Assert.Contains("250-AUTH PLAIN LOGIN", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("AUTH PLAIN " + Plain("alice@example.com", "password"));
        Assert.Equal("235 2.7.0 Authentication successful", await client.ReadReplyAsync());
    }
}
