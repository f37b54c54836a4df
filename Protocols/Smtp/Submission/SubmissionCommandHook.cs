using System.Text;
using Mail.Protocols.Authentication;
using Mail.Protocols.Smtp.Wire;
using Mail.Shared.Directory;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Smtp.Submission;

/// <summary>
/// Submission's command policy, run by the wire guard before SmtpServer sees a line (SmtpServer never
/// sees AUTH: its default authenticator accepts anyone):
/// <list type="bullet">
/// <item>AUTH with the shared <see cref="SaslAuthenticator"/> (SCRAM-SHA-256-PLUS, SCRAM-SHA-256, PLAIN, LOGIN; RFC 4954);
/// only after TLS (<c>530 5.7.0</c> before, RFC 3207 §4 / RFC 8314 §3) unless the client is on loopback and
/// <see cref="AuthenticationOptions.AllowPlaintextOnLoopback"/>; <c>235 2.7.0</c> success, <c>535 5.7.8</c> failure (after the
/// per-address failure delay), <c>454 4.7.0</c> directory down, <c>504 5.5.4</c> unknown mechanism, <c>501 5.7.0</c> cancelled
/// or malformed, <c>503 5.5.1</c> twice or before EHLO; <see cref="SubmissionOptions.MaxAuthFailures"/> failures:
/// <c>421 4.7.0</c> and close. Challenges are <c>334 base64</c>.</item>
/// <item>MAIL before AUTH: <c>530 5.7.0 Authentication required</c> (RFC 4954 §6): no unauthenticated relaying.</item>
/// <item>MAIL with REQUIRETLS outside TLS: <c>530 5.7.10</c> (RFC 8689 §4.1).</item>
/// <item>STARTTLS when TLS is already on (implicit TLS port or twice): <c>503 5.5.1</c>.</item>
/// </list>
/// </summary>
internal sealed class SubmissionCommandHook : ISmtpCommandHook
{
    private readonly SaslAuthenticator _authenticator;
    private readonly TlsChannelBinding _binding;
    private readonly SubmissionOptions _options;
    private readonly ILogger _logger;
    private int _failures;

    public SubmissionCommandHook(SaslAuthenticator authenticator, TlsChannelBinding binding, SubmissionOptions options, ILogger logger)
    {
        _authenticator = authenticator;
        _binding = binding;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<bool> HandleAsync(SmtpInCommandKind kind, byte[] line, ISmtpHookChannel channel, CancellationToken cancellationToken)
    {
        var connection = channel.Connection;
        switch (kind)
        {
            case SmtpInCommandKind.StartTls when channel.IsSecure:
                await channel.WriteAsync("503 5.5.1 Error: TLS already active\r\n", cancellationToken);
                return true;
            case SmtpInCommandKind.Mail when connection.AuthenticatedUser is null:
                SubmissionLog.Refused(_logger, connection.Remote, "MAIL before AUTH");
                await channel.WriteAsync("530 5.7.0 Authentication required\r\n", cancellationToken);
                return true;
            case SmtpInCommandKind.Mail when !channel.IsSecure && SubmissionSessionState.HasMailParameter(line, "REQUIRETLS"):
                await channel.WriteAsync("530 5.7.10 REQUIRETLS needs a TLS session\r\n", cancellationToken);
                return true;
            case SmtpInCommandKind.Rcpt when !SubmissionSessionState.Of(connection).TryParseRcpt(line):
                await channel.WriteAsync("501 5.5.4 Error: bad NOTIFY parameter\r\n", cancellationToken);
                return true;
            case SmtpInCommandKind.Auth:
                await AuthenticateAsync(line, channel, cancellationToken);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The connection as the shared authentication code sees it: the listener's certificate binding plus this connection's tls-exporter value.</summary>
    internal static SaslConnection SaslConnectionOf(SmtpInConnection connection, bool secure, TlsChannelBinding binding) =>
        SaslConnection.Create(connection.Remote.Address, secure ? binding.WithExporter(connection.TlsExporter) : null);

    /// <summary>AUTH is allowed at all: with TLS, or from loopback when plaintext is allowed there (RFC 8314 §3).</summary>
    internal static bool AuthAllowed(SaslAuthenticator authenticator, SaslConnection connection) => authenticator.PlaintextAllowed(connection);

    private async Task AuthenticateAsync(byte[] line, ISmtpHookChannel channel, CancellationToken cancellationToken)
    {
        var connection = channel.Connection;
        if (connection.HeloName is null)
        {
            await channel.WriteAsync("503 5.5.1 Error: send EHLO first\r\n", cancellationToken);
            return;
        }
        if (connection.AuthenticatedUser is not null)
        {
            await channel.WriteAsync("503 5.5.1 Error: already authenticated\r\n", cancellationToken);
            return;
        }
        var sasl = SaslConnectionOf(connection, channel.IsSecure, _binding);
        if (!AuthAllowed(_authenticator, sasl))
        {
            SubmissionLog.Refused(_logger, connection.Remote, "AUTH without TLS");
            await channel.WriteAsync("530 5.7.0 Must issue a STARTTLS command first\r\n", cancellationToken);
            return;
        }
        if (!TryParseAuth(line, out var name, out var initial))
        {
            await channel.WriteAsync("501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n", cancellationToken);
            return;
        }
        var mechanism = _authenticator.Create(name, sasl);
        if (mechanism is null)
        {
            await channel.WriteAsync("504 5.5.4 Error: unsupported authentication mechanism\r\n", cancellationToken);
            return;
        }
        SaslResult result;
        try
        {
            result = await SaslExchange.RunAsync(_authenticator, mechanism, sasl, initial, async (challenge, ct) =>
            {
                await channel.WriteAsync("334 " + challenge + "\r\n", ct);
                var response = await channel.ReadLineAsync(ct);
                return response is null ? null : Encoding.ASCII.GetString(response).TrimEnd('\r', '\n');
            }, cancellationToken);
        }
        catch (DirectoryUnavailableException ex)
        {
            SubmissionLog.DirectoryUnavailable(_logger, connection.Remote, ex);
            await channel.WriteAsync("454 4.7.0 Temporary authentication failure\r\n", cancellationToken);
            return;
        }
        switch (result.Outcome)
        {
            case SaslOutcome.Succeeded:
                connection.AuthenticatedUser = result.User!.Address;
                SubmissionLog.Authenticated(_logger, connection.Remote, result.User.Address, mechanism.Name);
                await channel.WriteAsync("235 2.7.0 Authentication successful\r\n", cancellationToken);
                return;
            case SaslOutcome.Failed:
                _failures++;
                SubmissionLog.AuthFailed(_logger, connection.Remote, mechanism.Name, _failures);
                if (_failures >= _options.MaxAuthFailures)
                {
                    await channel.WriteAsync("535 5.7.8 Error: authentication failed\r\n421 4.7.0 Error: too many authentication failures\r\n", cancellationToken);
                    channel.CloseAfterReply();
                    return;
                }
                await channel.WriteAsync("535 5.7.8 Error: authentication failed\r\n", cancellationToken);
                return;
            default:
                await channel.WriteAsync("501 5.7.0 Error: authentication cancelled or malformed\r\n", cancellationToken);
                return;
        }
    }

    /// <summary>Splits <c>AUTH mechanism [initial-response]</c> (RFC 4954 §4) at single spaces; false on other shapes.</summary>
    private static bool TryParseAuth(byte[] line, out string mechanism, out string? initial)
    {
        var text = Encoding.ASCII.GetString(line).TrimEnd('\r', '\n');
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        mechanism = parts.Length >= 2 ? parts[1] : "";
        initial = parts.Length == 3 ? parts[2] : null;
        return parts.Length is 2 or 3;
    }
}
