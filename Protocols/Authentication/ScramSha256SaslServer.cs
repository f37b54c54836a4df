using System.Security.Cryptography;
using System.Text;
using Mail.Shared.Directory;
using Mail.Shared.Directory.Scram;

namespace Mail.Protocols.Authentication;

/// <summary>
/// SCRAM-SHA-256 and SCRAM-SHA-256-PLUS, server side (RFC 5802 §5, RFC 7677): client-first → server-first
/// (nonce, salt, iterations) → client-final (channel binding, proof) → server-final (<c>v=</c> signature, sent as a
/// last challenge that the client answers with an empty response) → success.
/// </summary>
/// <remarks>
/// <para>Channel binding (§6): the plain mechanism refuses <c>p=</c>, and refuses <c>y</c> when this connection offers
/// the -PLUS variant (a downgrade, §6 rule for "y"); -PLUS requires <c>p=tls-exporter</c> (RFC 9266, TLS 1.3 on Linux,
/// see <see cref="TlsExporter"/>) or <c>p=tls-server-end-point</c> (RFC 5929 §4) and checks the <c>c=</c> attribute,
/// base64 of gs2-header + binding data, against the connection's <see cref="TlsChannelBinding"/>. Any other type
/// (<c>tls-unique</c>, or <c>tls-exporter</c> on a connection without an exporter) fails at the first step like a
/// wrong password; a wrong <c>c=</c> fails at the proof.</para>
/// <para>Unknown users, disabled users and users without stored keys get a made-up salt that is stable per user name
/// (<see cref="SaslAuthenticator.FindScramAsync"/>) and fail at the proof, exactly like a wrong password.</para>
/// <para>An authzid other than the user name is refused. User names are compared as the directory compares them;
/// SASLprep is not applied (addresses are ASCII or UTF-8 NFC already).</para>
/// </remarks>
internal sealed class ScramSha256SaslServer : SaslServerMechanism
{
    private const int NonceOctets = 18;
    private readonly SaslAuthenticator _authenticator;
    private readonly SaslConnection _connection;
    private readonly bool _plus;
    private State _state;
    private string _gs2Header = "";
    private byte[]? _bindingData;
    private string _clientFirstBare = "";
    private string _serverFirst = "";
    private string _nonce = "";
    private ScramSha256Credential? _credential;
    private DirectoryUser? _user;
    private byte[]? _serverSignature;

    public ScramSha256SaslServer(SaslAuthenticator authenticator, SaslConnection connection, bool plus)
    {
        _authenticator = authenticator;
        _connection = connection;
        _plus = plus;
    }

    private enum State
    {
        ClientFirst,
        ClientFinal,
        Acknowledge,
    }

    public override string Name => _plus ? SaslMechanismNames.ScramSha256Plus : SaslMechanismNames.ScramSha256;

    public override async ValueTask<SaslStep> StepAsync(byte[]? response, CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case State.ClientFirst when response is null:
                // No initial response: an empty challenge asks for client-first (RFC 4422 §3.3).
                return SaslStep.Next([]);
            case State.ClientFirst:
                return await ClientFirstAsync(response, cancellationToken);
            case State.ClientFinal when response is not null:
                return ClientFinal(response);
            case State.Acknowledge when response is { Length: 0 }:
                return SaslStep.Success(_user!);
            default:
                return SaslStep.Bad;
        }
    }

    private async ValueTask<SaslStep> ClientFirstAsync(byte[] response, CancellationToken cancellationToken)
    {
        if (!TryUtf8(response, out var message))
        {
            return SaslStep.Bad;
        }
        // gs2-header = gs2-cbind-flag "," [authzid] ","
        var firstComma = message.IndexOf(',', StringComparison.Ordinal);
        var secondComma = firstComma < 0 ? -1 : message.IndexOf(',', firstComma + 1);
        if (secondComma < 0)
        {
            return SaslStep.Bad;
        }
        var flag = message[..firstComma];
        var authzPart = message[(firstComma + 1)..secondComma];
        _gs2Header = message[..(secondComma + 1)];
        _clientFirstBare = message[(secondComma + 1)..];
        var bindingOk = flag switch
        {
            "n" => !_plus,
            // "y": the client could bind but believes we cannot; we can when -PLUS is offered: downgrade (§6).
            "y" => !_plus && !_authenticator.OffersPlus(_connection),
            _ when flag.StartsWith("p=", StringComparison.Ordinal) => _plus && TakeBinding(flag[2..]),
            _ => false,
        };
        var attributes = ParseAttributes(_clientFirstBare);
        if (attributes is null || !attributes.TryGetValue('n', out var encodedName) || !attributes.TryGetValue('r', out var clientNonce)
            || clientNonce.Length == 0 || _clientFirstBare.StartsWith("m=", StringComparison.Ordinal)
            || !TryDecodeSaslName(encodedName, out var login)
            || (authzPart.Length > 0 && (!authzPart.StartsWith("a=", StringComparison.Ordinal) || !TryDecodeSaslName(authzPart[2..], out _))))
        {
            return SaslStep.Bad;
        }
        if (!bindingOk)
        {
            return SaslStep.Failure;
        }
        var found = await _authenticator.FindScramAsync(login, cancellationToken);
        if (authzPart.Length > 0 && TryDecodeSaslName(authzPart[2..], out var authzid) && !authzid.Equals(login, StringComparison.OrdinalIgnoreCase))
        {
            found = found with { User = null };
        }
        _credential = found.Credential;
        _user = found.User;
        _nonce = clientNonce + Convert.ToBase64String(RandomNumberGenerator.GetBytes(NonceOctets));
        _serverFirst = "r=" + _nonce + ",s=" + Convert.ToBase64String(_credential.Salt) + ",i=" + _credential.Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _state = State.ClientFinal;
        return SaslStep.Next(Encoding.UTF8.GetBytes(_serverFirst));
    }

    private bool TakeBinding(string type)
    {
        _bindingData = _connection.ChannelBinding?.Get(type);
        if (_bindingData is null)
        {
            _authenticator.ChannelBindingRefused(_connection, type);
        }
        return _bindingData is not null;
    }

    private SaslStep ClientFinal(byte[] response)
    {
        if (!TryUtf8(response, out var message))
        {
            return SaslStep.Bad;
        }
        var proofAt = message.LastIndexOf(",p=", StringComparison.Ordinal);
        var attributes = ParseAttributes(message);
        if (proofAt < 0 || attributes is null || !attributes.TryGetValue('c', out var binding) || !attributes.TryGetValue('r', out var nonce)
            || !attributes.TryGetValue('p', out var proofText) || !message.StartsWith("c=", StringComparison.Ordinal))
        {
            return SaslStep.Bad;
        }
        byte[] proof, bindingBytes;
        try
        {
            proof = Convert.FromBase64String(proofText);
            bindingBytes = Convert.FromBase64String(binding);
        }
        catch (FormatException)
        {
            return SaslStep.Bad;
        }
        var expectedBinding = Encoding.UTF8.GetBytes(_gs2Header).Concat(_bindingData ?? []).ToArray();
        var withoutProof = message[..proofAt];
        var authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + _serverFirst + "," + withoutProof);
        var credential = _credential!;
        var clientSignature = HMACSHA256.HashData(credential.StoredKey, authMessage);
        var clientKey = new byte[clientSignature.Length];
        for (var i = 0; i < clientKey.Length && i < proof.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }
        var proofOk = proof.Length == clientSignature.Length && CryptographicOperations.FixedTimeEquals(SHA256.HashData(clientKey), credential.StoredKey);
        var bindingOk = CryptographicOperations.FixedTimeEquals(bindingBytes, expectedBinding);
        if (!proofOk || !bindingOk || nonce != _nonce || _user is null)
        {
            return SaslStep.Failure;
        }
        _serverSignature = HMACSHA256.HashData(credential.ServerKey, authMessage);
        _state = State.Acknowledge;
        return SaslStep.Next(Encoding.ASCII.GetBytes("v=" + Convert.ToBase64String(_serverSignature)));
    }

    /// <summary>Parses <c>x=value</c> attributes separated by commas; null when one is malformed or repeated.</summary>
    private static Dictionary<char, string>? ParseAttributes(string text)
    {
        var result = new Dictionary<char, string>();
        foreach (var part in text.Split(','))
        {
            if (part.Length < 2 || part[1] != '=' || !char.IsAsciiLetter(part[0]) || !result.TryAdd(part[0], part[2..]))
            {
                return null;
            }
        }
        return result;
    }

    /// <summary>RFC 5802 §5.1 saslname: <c>=2C</c> is ',' and <c>=3D</c> is '='; any other '=' is an error.</summary>
    private static bool TryDecodeSaslName(string encoded, out string name)
    {
        var builder = new StringBuilder(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] != '=')
            {
                builder.Append(encoded[i]);
                continue;
            }
            var code = i + 2 < encoded.Length ? encoded.Substring(i + 1, 2) : "";
            if (code is not ("2C" or "3D"))
            {
                name = "";
                return false;
            }
            builder.Append(code == "2C" ? ',' : '=');
            i += 2;
        }
        name = builder.ToString();
        return name.Length > 0;
    }

    private static bool TryUtf8(byte[] bytes, out string text)
    {
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }
}
