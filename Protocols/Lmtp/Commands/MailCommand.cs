using System.Globalization;

namespace Mail.Protocols.Lmtp.Commands;

/// <summary>
/// MAIL FROM:&lt;reverse-path&gt; [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8] (RFC 5321 §4.1.1.2, RFC 1870,
/// RFC 6152, RFC 6531), after LHLO without a transaction. Replies <c>250 2.1.0</c>; <c>501 5.5.4</c>
/// bad syntax or parameter value; <c>555 5.5.4</c> unknown parameter; <c>552 5.3.4</c> declared size over
/// <see cref="LmtpOptions.MaxMessageOctets"/>.
/// </summary>
internal sealed class MailCommand : ILmtpCommand
{
    public const string Command = "MAIL";

    public string Name => Command;

    public async Task ExecuteAsync(LmtpSession session, LmtpRequest request, CancellationToken cancellationToken)
    {
        if (LmtpTokenizer.ParsePath(request.Argument, "FROM:") is not { } path)
        {
            await session.WriteLineAsync("501 5.5.4 syntax: MAIL FROM:<address> [parameters]", cancellationToken);
            return;
        }
        var utf8 = false;
        foreach (var (key, value) in path.Parameters)
        {
            switch (key)
            {
                case "SIZE" when value is not null && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size):
                    if (size > session.Options.MaxMessageOctets)
                    {
                        LmtpLog.Rejected(session.Logger, session.Remote, LmtpRejectReason.DeclaredSizeTooBig);
                        await session.WriteLineAsync("552 5.3.4 message size exceeds fixed limit", cancellationToken);
                        return;
                    }
                    break;
                case "BODY" when value is not null && (value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) || value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase)):
                    break;
                case "SMTPUTF8" when value is null:
                    utf8 = true;
                    break;
                case "SIZE" or "BODY" or "SMTPUTF8":
                    await session.WriteLineAsync($"501 5.5.4 invalid {key} parameter", cancellationToken);
                    return;
                default:
                    await session.WriteLineAsync($"555 5.5.4 unsupported parameter {key}", cancellationToken);
                    return;
            }
        }
        if (!utf8 && !path.Address.All(char.IsAscii))
        {
            await session.WriteLineAsync("553 5.6.7 non-ASCII address needs SMTPUTF8", cancellationToken);
            return;
        }
        session.BeginTransaction(new LmtpTransaction(path.Address, utf8));
        await session.WriteLineAsync("250 2.1.0 sender OK", cancellationToken);
    }
}
