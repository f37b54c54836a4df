using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Mail.Protocols.Hosting;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Smtp;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// POP3 extensions on the whole host: CAPA (RESP-CODES, AUTH-RESP-CODE, PIPELINING, UTF8, SASL), UTF8 (RFC 6856),
/// pipelined commands (RFC 2449 §6.6), implicit TLS on <c>Pop3Tls</c>, STLS injection, and python3 poplib.
/// </summary>
[Collection(MailHostCollection.Name)]
public sealed class Pop3ExtensionTests
{
    private readonly MailHostFixture _host;

    public Pop3ExtensionTests(MailHostFixture host) => _host = host;

    private static async Task<List<string>> MultiLineAsync(WireClient c)
    {
        var lines = new List<string>();
        for (var line = await c.ReadLineAsync(); line != "."; line = await c.ReadLineAsync())
        {
            lines.Add(line!);
        }
        return lines;
    }

    [Fact]
    public async Task Capa_ListsExtensionsAndSaslMechanisms()
    {
        await using var c = await WireClient.ConnectAsync(_host.Endpoint(MailEndpoints.Pop3));
        await c.ReadLineAsync();
        await c.SendLineAsync("CAPA");
        Assert.Equal("+OK capability list follows", await c.ReadLineAsync());
        var capa = await MultiLineAsync(c);
        foreach (var expected in new[] { "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UTF8 USER", "USER", "SASL SCRAM-SHA-256 PLAIN LOGIN", "STLS" })
        {
            Assert.Contains(expected, capa);
        }
    }

    [Fact]
    public async Task Pipelined_AuthAndCommands_InOnePacket_AnsweredInOrder()
    {
        await using var c = await WireClient.ConnectAsync(_host.Endpoint(MailEndpoints.Pop3));
        await c.ReadLineAsync();
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{MailHostFixture.Bob}\0{MailHostFixture.Password}"));
        await c.SendAsync($"UTF8\r\nAUTH PLAIN {plain}\r\nSTAT\r\nNOOP\r\nQUIT\r\n");
        Assert.Equal("+OK UTF8 enabled", await c.ReadLineAsync());
        Assert.StartsWith("+OK bob@example.com has ", await c.ReadLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("+OK ", await c.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("+OK", await c.ReadLineAsync());
        Assert.StartsWith("+OK", await c.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Utf8_AfterLogin_IsNotValid()
    {
        await using var c = await WireClient.ConnectAsync(_host.Endpoint(MailEndpoints.Pop3));
        await c.ReadLineAsync();
        await c.SendLineAsync($"USER {MailHostFixture.Alice}");
        await c.ReadLineAsync();
        await c.SendLineAsync($"PASS {MailHostFixture.Password}");
        Assert.StartsWith("+OK", await c.ReadLineAsync(), StringComparison.Ordinal);
        await c.SendLineAsync("UTF8");
        Assert.Equal("-ERR UTF8 not valid in this state", await c.ReadLineAsync());
    }

    [Fact]
    public async Task Stls_WithPipelinedCapa_PlaintextAfterStlsIsNeverAnswered()
    {
        var endpoint = _host.Endpoint(MailEndpoints.Pop3);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var greeting = new byte[256];
        var n = await stream.ReadAsync(greeting);
        Assert.StartsWith("+OK", Encoding.ASCII.GetString(greeting, 0, n), StringComparison.Ordinal);
        // The injected CAPA rides in the same packet as STLS.
        await stream.WriteAsync("STLS\r\nCAPA\r\n"u8.ToArray());
        var reply = new byte[256];
        n = await stream.ReadAsync(reply);
        Assert.Equal("+OK begin TLS negotiation\r\n", Encoding.ASCII.GetString(reply, 0, n));
        var expected = _host.Services.GetRequiredService<TlsCertificateProvider>().Certificate.GetCertHashString();
        await using var ssl = new SslStream(stream, leaveInnerStreamOpen: true, (_, cert, _, _) => cert?.GetCertHashString() == expected);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        // Nothing may arrive for the injected CAPA; our own NOOP is the first thing answered.
        await ssl.WriteAsync("NOOP\r\n"u8.ToArray());
        var buffer = new byte[256];
        n = await ssl.ReadAsync(buffer);
        Assert.Equal("-ERR NOOP not valid in this state\r\n", Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public async Task PythonPoplib_ImplicitTls_Utf8_CapaAndLogin()
    {
        var port = _host.Endpoint(MailEndpoints.Pop3Tls).Port;
        var script = "import poplib,ssl\n" +
                     "ctx=ssl.create_default_context(); ctx.check_hostname=False; ctx.verify_mode=ssl.CERT_NONE\n" +
                     $"p=poplib.POP3_SSL('127.0.0.1',{port},context=ctx,timeout=20)\n" +
                     "caps=p.capa()\n" +
                     "print('caps', sorted(caps.keys()))\n" +
                     "print('sasl', ' '.join(caps['SASL']))\n" +
                     "print('utf8', p.utf8().decode())\n" +
                     $"p.user('{MailHostFixture.Bob}'); print('pass', p.pass_('{MailHostFixture.Password}').decode().split(' ')[0])\n" +
                     "print('stat', p.stat()[0] >= 0)\n" +
                     "p.quit()\n";
        var (exit, output) = await SmtpRealClientTests.RunPythonAsync(script, []);
        Assert.True(exit == 0, output);
        Assert.Contains("sasl SCRAM-SHA-256-PLUS SCRAM-SHA-256 PLAIN LOGIN", output, StringComparison.Ordinal);
        Assert.Contains("'RESP-CODES'", output, StringComparison.Ordinal);
        Assert.Contains("'AUTH-RESP-CODE'", output, StringComparison.Ordinal);
        Assert.Contains("'PIPELINING'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("'STLS'", output, StringComparison.Ordinal);
        Assert.Contains("utf8 +OK UTF8 enabled", output, StringComparison.Ordinal);
        Assert.Contains("pass +OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonPoplib_WrongPassword_GetsAuthResponseCode()
    {
        var port = _host.Endpoint(MailEndpoints.Pop3).Port;
        var script = "import poplib\n" +
                     $"p=poplib.POP3('127.0.0.1',{port},timeout=20)\n" +
                     $"p.user('{MailHostFixture.Bob}')\n" +
                     "try:\n  p.pass_('wrong')\nexcept poplib.error_proto as e:\n  print('error', e.args[0].decode())\n";
        var (exit, output) = await SmtpRealClientTests.RunPythonAsync(script, []);
        Assert.True(exit == 0, output);
        Assert.Contains("error -ERR [AUTH] authentication failed", output, StringComparison.Ordinal);
    }
}
