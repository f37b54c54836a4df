namespace Mail.Protocols.Pop3.Commands;

/// <summary>
/// UTF8 (RFC 6856 §2), AUTHORIZATION state: switches the session to UTF-8 mode. Messages are always sent as stored
/// (8-bit and UTF-8 headers untouched, never downgraded), and user names and passwords are UTF-8 in any mode
/// (capability <c>UTF8 USER</c>), so the command only records the mode; <c>+OK</c>.
/// </summary>
internal sealed class Utf8Command : IPop3Command
{
    public const string Command = "UTF8";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        if (request.Arguments.Count != 0)
        {
            await session.WriteLineAsync("-ERR usage: UTF8", cancellationToken);
            return;
        }
        session.Utf8Mode = true;
        await session.WriteLineAsync("+OK UTF8 enabled", cancellationToken);
    }
}
