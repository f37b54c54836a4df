using System.Net;
using Mail.Protocols.Hosting;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (tls-server-end-point) with MailKit against IMAP, POP3 and Submission, over
/// STARTTLS, implicit TLS and (SCRAM only) plaintext on loopback; the users' keys come from the SQL directory.
/// </summary>
[Collection(MailHostCollection.Name)]
public sealed class MailKitScramTests
{
    private readonly MailHostFixture _host;

    public MailKitScramTests(MailHostFixture host) => _host = host;

    private bool CheckCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Security.Cryptography.X509Certificates.X509Chain? chain, System.Net.Security.SslPolicyErrors errors) =>
        certificate?.GetCertHashString() == _host.Services.GetRequiredService<TlsCertificateProvider>().Certificate.GetCertHashString();

    private static NetworkCredential Alice(string password = MailHostFixture.Password) => new(MailHostFixture.Alice, password);

    [Theory]
    [InlineData(MailEndpoints.Imap, SecureSocketOptions.StartTls)]
    [InlineData(MailEndpoints.ImapTls, SecureSocketOptions.SslOnConnect)]
    public async Task Imap_ScramSha256Plus_OverTls_Authenticates(string endpoint, SecureSocketOptions security)
    {
        using var client = new ImapClient { ServerCertificateValidationCallback = CheckCertificate };
        await client.ConnectAsync("127.0.0.1", _host.Endpoint(endpoint).Port, security);
        Assert.Contains("SCRAM-SHA-256-PLUS", client.AuthenticationMechanisms);
        Assert.Contains("SCRAM-SHA-256", client.AuthenticationMechanisms);
        var mechanism = new SaslMechanismScramSha256Plus(Alice());
        await client.AuthenticateAsync(mechanism);
        Assert.True(client.IsAuthenticated);
        Assert.True(mechanism.NegotiatedChannelBinding);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Imap_ScramSha256_WithoutTlsOnLoopback_AuthenticatesAndRefusesWrongPassword()
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", _host.Endpoint(MailEndpoints.Imap).Port, SecureSocketOptions.None);
        Assert.DoesNotContain("SCRAM-SHA-256-PLUS", client.AuthenticationMechanisms);
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismScramSha256(Alice("wrong"))));
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismScramSha256(new NetworkCredential("nobody@example.com", "password"))));
        await client.AuthenticateAsync(new SaslMechanismScramSha256(Alice()));
        Assert.True(client.IsAuthenticated);
    }

    [Theory]
    [InlineData(MailEndpoints.Pop3, SecureSocketOptions.StartTls)]
    [InlineData(MailEndpoints.Pop3Tls, SecureSocketOptions.SslOnConnect)]
    public async Task Pop3_ScramSha256Plus_OverTls_Authenticates(string endpoint, SecureSocketOptions security)
    {
        using var client = new Pop3Client { ServerCertificateValidationCallback = CheckCertificate };
        await client.ConnectAsync("127.0.0.1", _host.Endpoint(endpoint).Port, security);
        Assert.Contains("SCRAM-SHA-256-PLUS", client.AuthenticationMechanisms);
        Assert.True(client.Capabilities.HasFlag(Pop3Capabilities.UTF8));
        Assert.True(client.Capabilities.HasFlag(Pop3Capabilities.Pipelining));
        var mechanism = new SaslMechanismScramSha256Plus(new NetworkCredential(MailHostFixture.Bob, MailHostFixture.Password));
        await client.AuthenticateAsync(mechanism);
        Assert.True(client.IsAuthenticated);
        Assert.True(mechanism.NegotiatedChannelBinding);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Pop3_ScramSha256_WrongPassword_GivesAuthError()
    {
        using var client = new Pop3Client();
        await client.ConnectAsync("127.0.0.1", _host.Endpoint(MailEndpoints.Pop3).Port, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismScramSha256(new NetworkCredential(MailHostFixture.Bob, "wrong"))));
    }

    [Theory]
    [InlineData(MailEndpoints.Submission, SecureSocketOptions.StartTls)]
    [InlineData(MailEndpoints.SubmissionTls, SecureSocketOptions.SslOnConnect)]
    public async Task Submission_ScramSha256Plus_OverTls_Authenticates(string endpoint, SecureSocketOptions security)
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = CheckCertificate };
        await client.ConnectAsync("127.0.0.1", _host.Endpoint(endpoint).Port, security);
        Assert.Contains("SCRAM-SHA-256-PLUS", client.AuthenticationMechanisms);
        var mechanism = new SaslMechanismScramSha256Plus(Alice());
        await client.AuthenticateAsync(mechanism);
        Assert.True(client.IsAuthenticated);
        Assert.True(mechanism.NegotiatedChannelBinding);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Submission_ScramSha256_WrongPassword_Gives535()
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = CheckCertificate };
        await client.ConnectAsync("127.0.0.1", _host.Endpoint(MailEndpoints.Submission).Port, SecureSocketOptions.StartTls);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismScramSha256(Alice("wrong"))));
        Assert.Contains("authentication failed", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
