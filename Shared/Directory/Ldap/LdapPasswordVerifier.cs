using Mail.Shared.Directory.Ldap.Passwords;

namespace Mail.Shared.Directory.Ldap;

/// <summary>Verifies and creates <c>userPassword</c> values (<see cref="LdapPasswordHash"/>); a service so tests can observe the work done.</summary>
public class LdapPasswordVerifier
{
    /// <summary>A value that never matches a real password but costs what an <c>{SSHA512}</c> check costs (unknown users).</summary>
    public string DummyHash { get; } = LdapPasswordHash.CreateSsha512(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>.</summary>
    public virtual bool Verify(string stored, string password) => LdapPasswordHash.Verify(stored, password);

    /// <summary>A new <c>{SSHA512}</c> value.</summary>
    public virtual string Hash(string password) => LdapPasswordHash.CreateSsha512(password);
}
