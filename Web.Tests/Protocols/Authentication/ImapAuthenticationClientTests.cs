using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Imap;
using Mail.Web.Tests.Protocols.Smtp;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>IMAP AUTHENTICATE (SASL-IR, LOGIN mechanism) and implicit TLS with raw transcripts and python3 imaplib/smtplib.</summary>
[Collection(MailHostCollection.Name)]
public sealed class ImapAuthenticationClientTests
{
    private readonly MailHostFixture _host;

    public ImapAuthenticationClientTests(MailHostFixture host) => _host = host;

    [Fact]
    public async Task Greeting_OnLoopbackWithoutTls_ListsScramPlainAndLogin()
    {
        await using var c = await ImapTestConnection.ConnectAsync(_host.Endpoint(MailEndpoints.Imap));
        Assert.Contains("AUTH=SCRAM-SHA-256 AUTH=PLAIN AUTH=LOGIN", c.Greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("SCRAM-SHA-256-PLUS", c.Greeting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateLogin_WithChallenges_LogsIn()
    {
        await using var c = await ImapTestConnection.ConnectAsync(_host.Endpoint(MailEndpoints.Imap));
        await c.SendAsync("a AUTHENTICATE LOGIN\r\n");
        Assert.Equal("+ VXNlcm5hbWU6", await c.ReadLineAsync());
        await c.SendAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(MailHostFixture.Alice)) + "\r\n");
        Assert.Equal("+ UGFzc3dvcmQ6", await c.ReadLineAsync());
        await c.SendAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(MailHostFixture.Password)) + "\r\n");
        Assert.StartsWith("a OK [CAPABILITY", await c.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonImaplib_ImplicitTls_AuthenticatePlainAndLogin()
    {
        var port = _host.Endpoint(MailEndpoints.ImapTls).Port;
        var script = "import imaplib,ssl\n" +
                     "ctx=ssl.create_default_context(); ctx.check_hostname=False; ctx.verify_mode=ssl.CERT_NONE\n" +
                     $"m=imaplib.IMAP4_SSL('127.0.0.1',{port},ssl_context=ctx,timeout=20)\n" +
                     "print('caps', ' '.join(m.capabilities))\n" +
                     $"typ,_=m.authenticate('PLAIN', lambda _: b'\\0{MailHostFixture.Alice}\\0{MailHostFixture.Password}')\n" +
                     "print('plain', typ)\n" +
                     "m.logout()\n" +
                     $"m=imaplib.IMAP4_SSL('127.0.0.1',{port},ssl_context=ctx,timeout=20)\n" +
                     "try:\n  m.login('nobody@example.com','x')\nexcept imaplib.IMAP4.error as e:\n  print('refused', e)\n" +
                     $"print('login', m.login('{MailHostFixture.Bob}','{MailHostFixture.Password}')[0])\n";
        var (exit, output) = await SmtpRealClientTests.RunPythonAsync(script, []);
        Assert.True(exit == 0, output);
        Assert.Contains("AUTH=SCRAM-SHA-256-PLUS AUTH=SCRAM-SHA-256 AUTH=PLAIN AUTH=LOGIN", output, StringComparison.Ordinal);
        Assert.DoesNotContain("STARTTLS", output, StringComparison.Ordinal);
        Assert.Contains("plain OK", output, StringComparison.Ordinal);
        Assert.Contains("refused b'[AUTHENTICATIONFAILED] Authentication failed'", output, StringComparison.Ordinal);
        Assert.Contains("login OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonSmtplib_ImplicitTlsSubmission_LogsIn()
    {
        var port = _host.Endpoint(MailEndpoints.SubmissionTls).Port;
        var script = "import smtplib,ssl\n" +
                     "ctx=ssl.create_default_context(); ctx.check_hostname=False; ctx.verify_mode=ssl.CERT_NONE\n" +
                     $"s=smtplib.SMTP_SSL('127.0.0.1',{port},context=ctx,timeout=20)\n" +
                     "s.ehlo()\n" +
                     "print('auth', s.esmtp_features.get('auth').strip())\n" +
                     "try:\n  s.login('nobody@example.com','x')\nexcept smtplib.SMTPAuthenticationError as e:\n  print('refused', e.smtp_code)\n" +
                     $"print('login', s.login('{MailHostFixture.Alice}','{MailHostFixture.Password}')[0])\n" +
                     "s.quit()\n";
        var (exit, output) = await SmtpRealClientTests.RunPythonAsync(script, []);
        Assert.True(exit == 0, output);
        Assert.Contains("auth SCRAM-SHA-256-PLUS SCRAM-SHA-256 PLAIN LOGIN", output, StringComparison.Ordinal);
        Assert.Contains("refused 535", output, StringComparison.Ordinal);
        Assert.Contains("login 235", output, StringComparison.Ordinal);
    }
}
