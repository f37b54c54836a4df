using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Webmail;

/// <summary>How a submission attempt ended.</summary>
public enum WebmailSubmitOutcome
{
    /// <summary>The server accepted the message for every recipient (250 after DATA).</summary>
    Accepted,

    /// <summary>A permanent refusal (5xx, or bad credentials): retrying the same message will not help.</summary>
    Rejected,

    /// <summary>A temporary failure (4xx, unreachable, timeout): retry later.</summary>
    Deferred,
}

/// <summary>Result of <see cref="WebmailSubmissionClient.SubmitAsync"/>.</summary>
/// <param name="Outcome">Accepted, rejected or deferred.</param>
/// <param name="Detail">The server's reply or the error, for the user; never the password.</param>
public sealed record WebmailSubmitResult(WebmailSubmitOutcome Outcome, string Detail);

/// <summary>
/// Sends messages through the Submission role (RFC 6409) with MailKit's <see cref="SmtpClient"/>, authenticated
/// as the signed-in user: the configured <see cref="WebmailOptions.Submission"/> endpoint, else the Submission
/// listener this process bound, else the configured one. STARTTLS comes before AUTH; a certificate is trusted
/// when it validates or when it is this node's own (<see cref="NodeCertificateTrust"/>, the all-in-one case).
/// </summary>
public sealed class WebmailSubmissionClient(
    IOptions<WebmailOptions> options, MailEndpoints endpoints, IServiceProvider services, ILogger<WebmailSubmissionClient> logger)
{
    private readonly WebmailOptions _options = options.Value;
    private readonly NodeCertificateTrust _trust = new(services);

    /// <summary>
    /// Submits <paramref name="message"/> from <paramref name="sender"/> (MAIL FROM) to <paramref name="recipients"/>
    /// (RCPT TO), logged in as <paramref name="credentials"/>. The message is sent as given: remove a Bcc header first.
    /// </summary>
    public async Task<WebmailSubmitResult> SubmitAsync(
        WebmailCredentials credentials, MimeMessage message, MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(message);
        var (host, port) = ResolveEndpoint();
        using var client = new SmtpClient { Timeout = 60_000, ServerCertificateValidationCallback = _trust.Validate };
        try
        {
            var security = _options.SubmissionSecurity == SecureSocketOptions.Auto ? SecureSocketOptions.StartTls : _options.SubmissionSecurity;
            await client.ConnectAsync(host, port, security, cancellationToken);
            // One mechanism: PLAIN inside TLS. Letting MailKit try SCRAM first costs a failed attempt (and the
            // brute-force delay) for directory users whose entry holds no SCRAM keys.
            await client.AuthenticateAsync(new SaslMechanismPlain(credentials.Address, credentials.Password), cancellationToken);
            var reply = await client.SendAsync(FormatOptions.Default, message, sender, recipients, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return new WebmailSubmitResult(WebmailSubmitOutcome.Accepted, reply);
        }
        catch (AuthenticationException ex)
        {
            return new WebmailSubmitResult(WebmailSubmitOutcome.Rejected, "The mail server refused the sign-in: " + ex.Message);
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            var outcome = code is >= 500 and < 600 ? WebmailSubmitOutcome.Rejected : WebmailSubmitOutcome.Deferred;
            var who = ex.Mailbox is null ? "" : $" ({ex.Mailbox.Address})";
            return new WebmailSubmitResult(outcome, $"{code} {ex.Message}{who}");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ProtocolException or SslHandshakeException
            or TimeoutException or ServiceNotConnectedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            WebmailComposeLog.SubmissionUnreachable(logger, host + ":" + port, ex);
            return new WebmailSubmitResult(WebmailSubmitOutcome.Deferred, "The mail server could not be reached.");
        }
    }

    private (string Host, int Port) ResolveEndpoint()
    {
        if (!string.IsNullOrWhiteSpace(_options.Submission))
        {
            return WebmailOptions.ParseEndpoint(_options.Submission, 587);
        }
        return endpoints.LocalDialTarget(MailEndpoints.Submission);
    }

}
