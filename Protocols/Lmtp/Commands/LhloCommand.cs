using System.Globalization;

namespace Mail.Protocols.Lmtp.Commands;

/// <summary>
/// LHLO domain (RFC 2033 §4.1), any state: drops a transaction and lists the extensions: PIPELINING
/// (RFC 2920), ENHANCEDSTATUSCODES (RFC 2034), 8BITMIME (RFC 6152), SIZE (RFC 1870), SMTPUTF8 (RFC 6531).
/// </summary>
internal sealed class LhloCommand : ILmtpCommand
{
    public const string Command = "LHLO";

    public string Name => Command;

    public async Task ExecuteAsync(LmtpSession session, LmtpRequest request, CancellationToken cancellationToken)
    {
        if (request.Argument.Length == 0 || request.Argument.Contains(' ', StringComparison.Ordinal))
        {
            await session.WriteLineAsync("501 5.5.4 syntax: LHLO domain", cancellationToken);
            return;
        }
        session.LhloName = request.Argument;
        session.ResetTransaction();
        var size = session.Options.MaxMessageOctets.ToString(CultureInfo.InvariantCulture);
        await session.WriteAsync(
            $"250-{session.HostName}\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-SIZE {size}\r\n250 SMTPUTF8\r\n",
            cancellationToken);
    }
}
