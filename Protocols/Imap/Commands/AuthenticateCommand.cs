using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// AUTHENTICATE PLAIN [initial-response] (RFC 9051 §6.2.2, RFC 4616, SASL-IR RFC 4959). Not
/// authenticated state. Without an initial response the server sends an empty continuation and
/// reads one line; <c>*</c> cancels (<c>BAD</c>). Other mechanisms: <c>NO</c>. Same TLS rule and
/// failure handling as LOGIN.
/// </summary>
public sealed class AuthenticateCommand : ImapCommand
{
    public const string WireName = "AUTHENTICATE";
    private string _mechanism = "";
    private string? _initialResponse;

    public override string Name => WireName;

    public override bool TraceArguments => false;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !tokenizer.TryReadAtom(out var mechanism))
        {
            return false;
        }
        _mechanism = Encoding.ASCII.GetString(mechanism).ToUpperInvariant();
        if (tokenizer.TryConsume((byte)' '))
        {
            if (tokenizer.TryConsume((byte)'='))
            {
                _initialResponse = "";
                return true;
            }
            if (!tokenizer.TryReadAtom(out var ir))
            {
                return false;
            }
            _initialResponse = Encoding.ASCII.GetString(ir);
        }
        return true;
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (_mechanism != "PLAIN")
        {
            return ImapCommandResult.No("Unsupported authentication mechanism");
        }
        if (!session.PlaintextAuthAllowed)
        {
            return ImapCommandResult.No("Plaintext authentication is disabled; use STARTTLS first", "PRIVACYREQUIRED");
        }
        var response = _initialResponse;
        if (response is null)
        {
            session.Out.Raw("+ \r\n"u8);
            await session.Out.FlushAsync(cancellationToken);
            var line = await session.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return ImapCommandResult.Bad("Invalid authentication response");
            }
            response = Encoding.ASCII.GetString(line);
        }
        if (response == "*")
        {
            return ImapCommandResult.Bad("Authentication cancelled");
        }
        if (!TryDecodePlain(response, out var user, out var password))
        {
            return ImapCommandResult.Bad("Invalid SASL PLAIN response");
        }
        return await session.AuthenticateAsync(user, password, cancellationToken);
    }

    /// <summary>Decodes a PLAIN response: base64 of <c>authzid NUL authcid NUL password</c>; an authzid other than the authcid is refused.</summary>
    internal static bool TryDecodePlain(string base64, out string user, out string password)
    {
        user = password = "";
        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return false;
        }
        var first = Array.IndexOf(raw, (byte)0);
        var second = first < 0 ? -1 : Array.IndexOf(raw, (byte)0, first + 1);
        if (second < 0)
        {
            return false;
        }
        var authz = Encoding.UTF8.GetString(raw, 0, first);
        user = Encoding.UTF8.GetString(raw, first + 1, second - first - 1);
        password = Encoding.UTF8.GetString(raw, second + 1, raw.Length - second - 1);
        return authz.Length == 0 || authz.Equals(user, StringComparison.OrdinalIgnoreCase);
    }
}
