using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Mail.Shared.Platform;

namespace Mail.Shared.Directory.Sql;

/// <summary>Remembered successful logins (<see cref="SqlDirectoryOptions.VerifiedLoginCacheSeconds"/>).</summary>
public sealed partial class SqlMailDirectory
{
    /// <summary>Per-process HMAC key: the remembered MACs are useless outside this process.</summary>
    private readonly byte[] _loginKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, VerifiedLogin> _verifiedLogins = new(StringComparer.Ordinal);

    /// <summary>A login verified at <c>Expires - lifetime</c>: the stored hash it matched and the password's keyed MAC.</summary>
    private sealed record VerifiedLogin(string StoredHash, byte[] PasswordMac, DateTimeOffset Expires);

    /// <summary>True when <paramref name="password"/> was verified against the row's current hash within the cache lifetime.</summary>
    private bool IsVerifiedLogin(PlatformUser row, string password)
    {
        if (_options.VerifiedLoginCacheSeconds <= 0 || !_verifiedLogins.TryGetValue(row.Address, out var seen))
        {
            return false;
        }
        if (seen.Expires <= _time.GetUtcNow() || !string.Equals(seen.StoredHash, row.PasswordHash, StringComparison.Ordinal))
        {
            _verifiedLogins.TryRemove(new KeyValuePair<string, VerifiedLogin>(row.Address, seen));
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(seen.PasswordMac, PasswordMac(password));
    }

    private void RememberVerifiedLogin(PlatformUser row, string password)
    {
        if (_options.VerifiedLoginCacheSeconds <= 0)
        {
            return;
        }
        if (_verifiedLogins.Count >= _options.MaxVerifiedLogins)
        {
            _verifiedLogins.Clear();
        }
        _verifiedLogins[row.Address] = new VerifiedLogin(
            row.PasswordHash, PasswordMac(password), _time.GetUtcNow().AddSeconds(_options.VerifiedLoginCacheSeconds));
    }

    private byte[] PasswordMac(string password) => HMACSHA256.HashData(_loginKey, Encoding.UTF8.GetBytes(password));
}
