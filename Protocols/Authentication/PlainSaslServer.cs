using System.Text;

namespace Mail.Protocols.Authentication;

/// <summary>
/// PLAIN (RFC 4616): one response <c>[authzid] NUL authcid NUL passwd</c> (UTF-8). An authzid other than the
/// authcid (acting for another user) is refused as a failure. Without an initial response the server sends an
/// empty challenge first (RFC 4422 §3.3).
/// </summary>
internal sealed class PlainSaslServer(SaslAuthenticator authenticator) : SaslServerMechanism
{
    private bool _challenged;

    public override string Name => SaslMechanismNames.Plain;

    public override async ValueTask<SaslStep> StepAsync(byte[]? response, CancellationToken cancellationToken)
    {
        if (response is null)
        {
            if (_challenged)
            {
                return SaslStep.Bad;
            }
            _challenged = true;
            return SaslStep.Next([]);
        }
        if (!TryDecode(response, out var authzid, out var login, out var password))
        {
            return SaslStep.Bad;
        }
        if (authzid.Length > 0 && !authzid.Equals(login, StringComparison.OrdinalIgnoreCase))
        {
            // Still do the password work: the reply time must not tell this case apart.
            await authenticator.VerifyPasswordAsync(login, password, cancellationToken);
            return SaslStep.Failure;
        }
        var user = await authenticator.VerifyPasswordAsync(login, password, cancellationToken);
        return user is null ? SaslStep.Failure : SaslStep.Success(user);
    }

    /// <summary>Splits the PLAIN message at its two NULs; false when malformed (not two NULs, empty authcid, bad UTF-8).</summary>
    internal static bool TryDecode(ReadOnlySpan<byte> message, out string authzid, out string login, out string password)
    {
        authzid = login = password = "";
        var first = message.IndexOf((byte)0);
        if (first < 0)
        {
            return false;
        }
        var rest = message[(first + 1)..];
        var second = rest.IndexOf((byte)0);
        if (second <= 0 || rest[(second + 1)..].IndexOf((byte)0) >= 0)
        {
            return false;
        }
        var strict = new UTF8Encoding(false, true);
        try
        {
            authzid = strict.GetString(message[..first]);
            login = strict.GetString(rest[..second]);
            password = strict.GetString(rest[(second + 1)..]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
