using System.Buffers.Text;
using System.Net;
using System.Text;
using Mail.Protocols.Smtp.Wire;
using Mail.Shared.Directory;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Smtp.Submission;

/// <summary>
/// Submission's command policy, run by the wire guard before SmtpServer sees a line (SmtpServer never
/// sees AUTH: its default authenticator accepts anyone):
/// <list type="bullet">
/// <item>AUTH PLAIN (RFC 4616) and LOGIN, verified by <see cref="IMailDirectory.AuthenticateAsync"/>; only after
/// TLS (<c>530 5.7.0</c> before, RFC 3207 §4 / RFC 8314 §3) unless <see cref="SubmissionOptions.AllowPlaintextAuthOnLoopback"/>
/// and the client is on loopback; <c>235 2.7.0</c> success, <c>535 5.7.8</c> failure, <c>454 4.7.0</c> directory down,
/// <c>504 5.5.4</c> unknown mechanism, <c>501 5.7.0</c> cancelled or malformed, <c>503 5.5.1</c> twice or before EHLO;
/// <see cref="SubmissionOptions.MaxAuthFailures"/> failures: <c>421 4.7.0</c> and close.</item>
/// <item>MAIL before AUTH: <c>530 5.7.0 Authentication required</c> (RFC 4954 §6): no unauthenticated relaying.</item>
/// <item>MAIL with REQUIRETLS outside TLS: <c>530 5.7.10</c> (RFC 8689 §4.1).</item>
/// <item>STARTTLS when TLS is already on (implicit TLS port or twice): <c>503 5.5.1</c>.</item>
/// </list>
/// </summary>
internal sealed class SubmissionCommandHook : ISmtpCommandHook
{
    private readonly IMailDirectory _directory;
    private readonly SubmissionOptions _options;
    private readonly ILogger _logger;
    private int _failures;

    public SubmissionCommandHook(IMailDirectory directory, SubmissionOptions options, ILogger logger)
    {
        _directory = directory;
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
        if (!channel.IsSecure && !(_options.AllowPlaintextAuthOnLoopback && IsLoopback(connection.Remote.Address)))
        {
            SubmissionLog.Refused(_logger, connection.Remote, "AUTH without TLS");
            await channel.WriteAsync("530 5.7.0 Must issue a STARTTLS command first\r\n", cancellationToken);
            return;
        }

        var text = Encoding.ASCII.GetString(line).TrimEnd('\r', '\n');
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 2 or > 3)
        {
            await channel.WriteAsync("501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n", cancellationToken);
            return;
        }
        var mechanism = parts[1].ToUpperInvariant();
        var initial = parts.Length == 3 ? parts[2] : null;
        (string Login, string Password)? credentials = mechanism switch
        {
            "PLAIN" => await ReadPlainAsync(initial, channel, cancellationToken),
            "LOGIN" => await ReadLoginAsync(initial, channel, cancellationToken),
            _ => null,
        };
        if (mechanism is not ("PLAIN" or "LOGIN"))
        {
            await channel.WriteAsync("504 5.5.4 Error: unsupported authentication mechanism\r\n", cancellationToken);
            return;
        }
        if (credentials is null)
        {
            await channel.WriteAsync("501 5.7.0 Error: authentication cancelled or malformed\r\n", cancellationToken);
            return;
        }

        DirectoryUser? user;
        try
        {
            user = await _directory.AuthenticateAsync(credentials.Value.Login, credentials.Value.Password, cancellationToken);
        }
        catch (DirectoryUnavailableException ex)
        {
            SubmissionLog.DirectoryUnavailable(_logger, connection.Remote, ex);
            await channel.WriteAsync("454 4.7.0 Temporary authentication failure\r\n", cancellationToken);
            return;
        }
        if (user is null || !user.Enabled)
        {
            _failures++;
            SubmissionLog.AuthFailed(_logger, connection.Remote, mechanism, _failures);
            if (_failures >= _options.MaxAuthFailures)
            {
                await channel.WriteAsync("535 5.7.8 Error: authentication failed\r\n421 4.7.0 Error: too many authentication failures\r\n", cancellationToken);
                channel.CloseAfterReply();
                return;
            }
            await channel.WriteAsync("535 5.7.8 Error: authentication failed\r\n", cancellationToken);
            return;
        }
        connection.AuthenticatedUser = user.Address;
        SubmissionLog.Authenticated(_logger, connection.Remote, user.Address, mechanism);
        await channel.WriteAsync("235 2.7.0 Authentication successful\r\n", cancellationToken);
    }

    /// <summary>RFC 4616: base64 of <c>[authzid] NUL authcid NUL passwd</c>; an authzid other than the authcid is refused.</summary>
    private static async Task<(string, string)?> ReadPlainAsync(string? initial, ISmtpHookChannel channel, CancellationToken cancellationToken)
    {
        // RFC 4954 §4: "=" is an empty initial response.
        var response = initial ?? await ChallengeAsync("334 \r\n", channel, cancellationToken);
        if (response is null || !TryDecode(response, out var decoded))
        {
            return null;
        }
        var fields = decoded.Split('\0');
        if (fields.Length != 3 || fields[1].Length == 0 || (fields[0].Length > 0 && !fields[0].Equals(fields[1], StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }
        return (fields[1], fields[2]);
    }

    /// <summary>The LOGIN mechanism (draft-murchison-sasl-login): username and password as two base64 responses.</summary>
    private static async Task<(string, string)?> ReadLoginAsync(string? initial, ISmtpHookChannel channel, CancellationToken cancellationToken)
    {
        var first = initial ?? await ChallengeAsync("334 VXNlcm5hbWU6\r\n", channel, cancellationToken);
        if (first is null || !TryDecode(first, out var login) || login.Length == 0)
        {
            return null;
        }
        var second = await ChallengeAsync("334 UGFzc3dvcmQ6\r\n", channel, cancellationToken);
        if (second is null || !TryDecode(second, out var password))
        {
            return null;
        }
        return (login, password);
    }

    /// <summary>Sends a 334 challenge and reads the response line; null when cancelled (<c>*</c>) or too long.</summary>
    private static async Task<string?> ChallengeAsync(string challenge, ISmtpHookChannel channel, CancellationToken cancellationToken)
    {
        await channel.WriteAsync(challenge, cancellationToken);
        var line = await channel.ReadLineAsync(cancellationToken);
        if (line is null)
        {
            return null;
        }
        var text = Encoding.ASCII.GetString(line).TrimEnd('\r', '\n');
        return text == "*" ? null : text;
    }

    /// <summary>Loopback, also as an IPv4-mapped IPv6 address (dual-mode sockets).</summary>
    internal static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static bool TryDecode(string base64, out string text)
    {
        text = "";
        if (base64 == "=")
        {
            return true;
        }
        var bytes = Encoding.ASCII.GetBytes(base64);
        if (!Base64.IsValid(bytes, out var length))
        {
            return false;
        }
        var decoded = new byte[length];
        if (Base64.DecodeFromUtf8(bytes, decoded, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }
        try
        {
            text = new UTF8Encoding(false, true).GetString(decoded, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
