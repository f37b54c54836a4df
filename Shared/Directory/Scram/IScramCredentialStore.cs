namespace Mail.Shared.Directory.Scram;

/// <summary>
/// Directory backends that keep SCRAM-SHA-256 keys beside the password hash (RFC 5802 §3): the SQL
/// directory (column <c>Users.ScramSha256</c>) and LDAP (a second <c>userPassword</c> value
/// <c>{SCRAM-SHA-256}...</c>). Keys are written whenever a password is set.
/// </summary>
public interface IScramCredentialStore
{
    /// <summary>
    /// Finds the enabled user <paramref name="login"/> (address, any case) and its SCRAM-SHA-256 keys.
    /// </summary>
    /// <returns>Null when the user is unknown, disabled, or has no SCRAM keys (the caller fails the exchange
    /// exactly like a wrong password).</returns>
    /// <exception cref="DirectoryUnavailableException">The backend cannot be reached.</exception>
    Task<ScramUserCredential?> FindScramSha256Async(string login, CancellationToken cancellationToken);
}

/// <summary>A user with its SCRAM keys.</summary>
public sealed record ScramUserCredential(DirectoryUser User, ScramSha256Credential Credential);
