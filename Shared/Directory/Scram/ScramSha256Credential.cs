using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mail.Shared.Directory.Scram;

/// <summary>
/// Stored SCRAM-SHA-256 keys of one user (RFC 5802 §3, RFC 7677): salt, iteration count, StoredKey =
/// H(HMAC(SaltedPassword, "Client Key")) and ServerKey = HMAC(SaltedPassword, "Server Key"), where
/// SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations). The password itself is not recoverable.
/// </summary>
/// <remarks>
/// Text form (<see cref="Format"/>), as Dovecot writes it in <c>userPassword</c>:
/// <c>{SCRAM-SHA-256}iterations,base64(salt),base64(StoredKey),base64(ServerKey)</c>.
/// </remarks>
public sealed record ScramSha256Credential(int Iterations, byte[] Salt, byte[] StoredKey, byte[] ServerKey)
{
    /// <summary>The scheme prefix of the text form.</summary>
    public const string Scheme = "{SCRAM-SHA-256}";

    /// <summary>Iteration count for new credentials (RFC 7677 §4: at least 4096).</summary>
    public const int DefaultIterations = 4096;

    /// <summary>Salt length of new credentials, in octets.</summary>
    public const int SaltOctets = 16;

    /// <summary>Derives a credential from <paramref name="password"/> (UTF-8) with a fresh random salt.</summary>
    public static ScramSha256Credential Create(string password, int iterations = DefaultIterations) =>
        Derive(password, RandomNumberGenerator.GetBytes(SaltOctets), iterations);

    /// <summary>Derives the keys for <paramref name="password"/> with the given salt and iteration count.</summary>
    public static ScramSha256Credential Derive(string password, byte[] salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        return new ScramSha256Credential(iterations, salt, SHA256.HashData(clientKey), HMACSHA256.HashData(salted, "Server Key"u8));
    }

    /// <summary>The <c>{SCRAM-SHA-256}</c> text form.</summary>
    public string Format() =>
        Scheme + Iterations.ToString(CultureInfo.InvariantCulture) + "," + Convert.ToBase64String(Salt) + ","
        + Convert.ToBase64String(StoredKey) + "," + Convert.ToBase64String(ServerKey);

    /// <summary>Parses the text form (scheme prefix optional, case-insensitive); false when malformed.</summary>
    public static bool TryParse(string? text, out ScramSha256Credential credential)
    {
        credential = null!;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var body = text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? text[Scheme.Length..] : text;
        var parts = body.Split(',');
        if (parts.Length != 4 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return false;
        }
        try
        {
            var salt = Convert.FromBase64String(parts[1]);
            var stored = Convert.FromBase64String(parts[2]);
            var server = Convert.FromBase64String(parts[3]);
            if (salt.Length == 0 || stored.Length != 32 || server.Length != 32)
            {
                return false;
            }
            credential = new ScramSha256Credential(iterations, salt, stored, server);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>True when the text is a <c>{SCRAM-SHA-256}</c> value.</summary>
    public static bool IsScramValue(string? text) => text is not null && text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks a plaintext password against the stored keys (constant-time comparison).</summary>
    public bool Verify(string password) =>
        CryptographicOperations.FixedTimeEquals(Derive(password, Salt, Iterations).StoredKey, StoredKey);
}
