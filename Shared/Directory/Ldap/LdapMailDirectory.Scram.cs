using Mail.Shared.Directory.Scram;

namespace Mail.Shared.Directory.Ldap;

public sealed partial class LdapMailDirectory : IScramCredentialStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Reads the entry from a server (never from the cache, like <see cref="AuthenticateAsync"/>); the keys are the
    /// <c>userPassword</c> value <c>{SCRAM-SHA-256}iterations,salt,StoredKey,ServerKey</c> (Dovecot's format), written
    /// beside the <c>{SSHA512}</c> value whenever a password is set. The domain must be active.
    /// </remarks>
    public async Task<ScramUserCredential?> FindScramSha256Async(string login, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryParse(login, out var normalized, out _, out var domain))
        {
            return null;
        }
        var entry = await LookupAddressAsync(normalized, refresh: true, cancellationToken);
        if (entry is not { User: { Enabled: true } user, ScramSha256: { } text } || !ScramSha256Credential.TryParse(text, out var credential))
        {
            return null;
        }
        return (await LookupDomainAsync(domain, cancellationToken)) is { Found: true, Active: true } ? new ScramUserCredential(user, credential) : null;
    }
}
