using System.Text;

namespace Mail.Protocols.Authentication;

/// <summary>
/// LOGIN (draft-murchison-sasl-login-00): challenge <c>Username:</c>, response user name; challenge
/// <c>Password:</c>, response password (UTF-8). An initial response is taken as the user name.
/// </summary>
internal sealed class LoginSaslServer(SaslAuthenticator authenticator) : SaslServerMechanism
{
    private string? _login;
    private bool _started;

    public override string Name => SaslMechanismNames.Login;

    public override async ValueTask<SaslStep> StepAsync(byte[]? response, CancellationToken cancellationToken)
    {
        if (!_started)
        {
            _started = true;
            if (response is null)
            {
                return SaslStep.Next("Username:"u8.ToArray());
            }
        }
        if (response is null || !TryUtf8(response, out var text))
        {
            return SaslStep.Bad;
        }
        if (_login is null)
        {
            if (text.Length == 0)
            {
                return SaslStep.Bad;
            }
            _login = text;
            return SaslStep.Next("Password:"u8.ToArray());
        }
        var user = await authenticator.VerifyPasswordAsync(_login, text, cancellationToken);
        return user is null ? SaslStep.Failure : SaslStep.Success(user);
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
