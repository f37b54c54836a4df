using System.Text;

namespace Mail.Protocols.Pop3.Commands;

/// <summary>
/// AUTH mechanism [initial-response] (RFC 5034), AUTHORIZATION state; only PLAIN (RFC 4616).
/// <c>AUTH</c> alone lists the mechanisms. An initial response of <c>=</c> is empty; without one the
/// server sends <c>+ </c> and reads one line; <c>*</c> cancels (RFC 5034 §4).
/// </summary>
internal sealed class AuthCommand : IPop3Command
{
    public const string Command = "AUTH";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        if (request.Arguments.Count == 0)
        {
            await session.WriteLineAsync("+OK supported SASL mechanisms", cancellationToken);
            await session.WriteMultiLineAsync(session.PlaintextAuthAllowed ? ["PLAIN"] : [], cancellationToken);
            return;
        }
        if (await session.RefusePlaintextAsync(cancellationToken))
        {
            return;
        }
        if (!request.Arguments[0].Equals("PLAIN", StringComparison.OrdinalIgnoreCase) || request.Arguments.Count > 2)
        {
            await session.WriteLineAsync("-ERR unsupported authentication mechanism", cancellationToken);
            return;
        }
        string response;
        if (request.Arguments.Count == 2)
        {
            response = request.Arguments[1] == "=" ? "" : request.Arguments[1];
        }
        else
        {
            await session.WriteLineAsync("+ ", cancellationToken);
            var line = await session.ReadLineAsync(session.Options.MaxAuthLineOctets, cancellationToken);
            if (line is null)
            {
                session.Close();
                return;
            }
            if (line.Rejected)
            {
                await session.WriteLineAsync("-ERR line too long", cancellationToken);
                return;
            }
            response = Encoding.ASCII.GetString(line.Bytes);
            if (response == "*")
            {
                await session.WriteLineAsync("-ERR authentication cancelled", cancellationToken);
                return;
            }
        }
        if (!TryDecodePlain(response, out var login, out var password))
        {
            await session.WriteLineAsync("-ERR invalid SASL PLAIN response", cancellationToken);
            return;
        }
        await session.LoginAsync(login, password, cancellationToken);
    }

    /// <summary>RFC 4616 §2: base64 of <c>[authzid] NUL authcid NUL passwd</c>; an authzid other than the authcid is refused.</summary>
    internal static bool TryDecodePlain(string base64, out string login, out string password)
    {
        login = password = "";
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var length))
        {
            return false;
        }
        var parts = Encoding.UTF8.GetString(bytes, 0, length).Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0 || (parts[0].Length > 0 && !parts[0].Equals(parts[1], StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        login = parts[1];
        password = parts[2];
        return true;
    }
}
