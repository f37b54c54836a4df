using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mail.Shared.Directory.Ldap.Passwords;

/// <summary>
/// <c>userPassword</c> values in the RFC 2307 <c>{SCHEME}value</c> form that slapd and Dovecot use,
/// verified in-process (so cached entries still authenticate while the LDAP master is down).
/// </summary>
/// <remarks>
/// <para>Verified: <c>{SSHA}</c>, <c>{SSHA256}</c>, <c>{SSHA512}</c> (base64 of digest(password+salt)+salt, any salt length),
/// <c>{SHA}</c>, <c>{SHA256}</c>, <c>{SHA512}</c> (unsalted), <c>{CRYPT}</c> with any modular crypt string the
/// system's libxcrypt verifies (<see cref="Libxcrypt"/>: <c>$y$</c> yescrypt, <c>$6$</c>/<c>$5$</c> SHA-crypt, <c>$2b$</c> bcrypt,
/// <c>$1$</c> MD5-crypt; never DES), <c>{ARGON2}</c> PHC strings (<see cref="Argon2Phc"/>),
/// and <c>{PBKDF2-SHA1|SHA256|SHA512}iterations$salt$hash</c> (OpenLDAP contrib pw-pbkdf2, "adapted base64"),
/// which is what SQL-directory hashes (ASP.NET Core Identity V3) become on export.</para>
/// <para>Scheme names are case-insensitive. Anything else (no scheme, cleartext, unknown scheme) and an empty password never verify.</para>
/// <para>New passwords are written as <c>{SSHA512}</c> with a 16-octet salt (<see cref="CreateSsha512"/>).</para>
/// </remarks>
public static class LdapPasswordHash
{
    private const int SaltLength = 16;

    /// <summary>The scheme written for new passwords.</summary>
    public const string WriteScheme = "{SSHA512}";

    /// <summary>A new <c>{SSHA512}</c> value for <paramref name="password"/>.</summary>
    public static string CreateSsha512(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var digest = SHA512.HashData([.. Encoding.UTF8.GetBytes(password), .. salt]);
        return WriteScheme + Convert.ToBase64String([.. digest, .. salt]);
    }

    /// <summary>The scheme name in upper case (<c>SSHA512</c>), or null when the value has no <c>{...}</c> prefix.</summary>
    public static string? SchemeOf(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var end = stored.IndexOf('}', StringComparison.Ordinal);
        return stored.StartsWith('{') && end > 1 ? stored[1..end].ToUpperInvariant() : null;
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>; false for wrong passwords and unsupported values.</summary>
    public static bool Verify(string stored, string password)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(password);
        var scheme = SchemeOf(stored);
        // An empty password never matches (slapd treats an empty simple bind as anonymous, RFC 4513 §5.1.2).
        if (scheme is null || password.Length == 0)
        {
            return false;
        }
        var value = stored[(scheme.Length + 2)..];
        return scheme switch
        {
            "SSHA" => VerifyDigest(HashAlgorithmName.SHA1, value, password, salted: true),
            "SSHA256" => VerifyDigest(HashAlgorithmName.SHA256, value, password, salted: true),
            "SSHA512" => VerifyDigest(HashAlgorithmName.SHA512, value, password, salted: true),
            "SHA" => VerifyDigest(HashAlgorithmName.SHA1, value, password, salted: false),
            "SHA256" => VerifyDigest(HashAlgorithmName.SHA256, value, password, salted: false),
            "SHA512" => VerifyDigest(HashAlgorithmName.SHA512, value, password, salted: false),
            "CRYPT" => Libxcrypt.Verify(value, password),
            "ARGON2" => Argon2Phc.Verify(value, password),
            "PBKDF2" or "PBKDF2-SHA1" => VerifyPbkdf2(HashAlgorithmName.SHA1, value, password),
            "PBKDF2-SHA256" => VerifyPbkdf2(HashAlgorithmName.SHA256, value, password),
            "PBKDF2-SHA512" => VerifyPbkdf2(HashAlgorithmName.SHA512, value, password),
            _ => false,
        };
    }

    /// <summary>
    /// Converts an ASP.NET Core Identity V3 hash (base64: 0x01, PRF, iterations, salt length, salt, subkey;
    /// integers big-endian) to the equivalent <c>{PBKDF2-SHAxxx}</c> value; null when it is not one.
    /// </summary>
    public static string? FromIdentityV3(string identityHash)
    {
        ArgumentNullException.ThrowIfNull(identityHash);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(identityHash);
        }
        catch (FormatException)
        {
            return null;
        }
        if (bytes.Length < 13 || bytes[0] != 0x01)
        {
            return null;
        }
        var prf = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1));
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5));
        var saltLength = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9));
        if (saltLength is < 8 or > 1024 || 13 + saltLength >= bytes.Length || iterations is 0 or > int.MaxValue)
        {
            return null;
        }
        var scheme = prf switch { 0 => "{PBKDF2-SHA1}", 1 => "{PBKDF2-SHA256}", 2 => "{PBKDF2-SHA512}", _ => null };
        if (scheme is null)
        {
            return null;
        }
        var salt = bytes.AsSpan(13, (int)saltLength);
        var subkey = bytes.AsSpan(13 + (int)saltLength);
        return string.Create(CultureInfo.InvariantCulture, $"{scheme}{iterations}${AdaptedBase64(salt)}${AdaptedBase64(subkey)}");
    }

    /// <summary>
    /// The inverse of <see cref="FromIdentityV3"/>: a <c>{PBKDF2-SHA1|SHA256|SHA512}</c> value as an ASP.NET Core
    /// Identity V3 hash (base64), so the SQL directory verifies it natively; null for other values.
    /// </summary>
    public static string? ToIdentityV3(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        uint? prf = SchemeOf(stored) switch { "PBKDF2" or "PBKDF2-SHA1" => 0, "PBKDF2-SHA256" => 1, "PBKDF2-SHA512" => 2, _ => null };
        if (prf is null)
        {
            return null;
        }
        var parts = stored[(stored.IndexOf('}', StringComparison.Ordinal) + 1)..].Split('$');
        if (parts.Length != 3 || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations == 0
            || !TryBase64(parts[1].Replace('.', '+'), out var salt) || !TryBase64(parts[2].Replace('.', '+'), out var subkey) || salt.Length < 8 || subkey.Length == 0)
        {
            return null;
        }
        var bytes = new byte[13 + salt.Length + subkey.Length];
        bytes[0] = 0x01;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), prf.Value);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(5), iterations);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(9), (uint)salt.Length);
        salt.CopyTo(bytes, 13);
        subkey.CopyTo(bytes, 13 + salt.Length);
        return Convert.ToBase64String(bytes);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
        Justification = "Verifying existing {SSHA}/{SHA} values written by other tools; new passwords are {SSHA512}.")]
    private static bool VerifyDigest(HashAlgorithmName algorithm, string value, string password, bool salted)
    {
        if (!TryBase64(value, out var decoded))
        {
            return false;
        }
        var size = algorithm == HashAlgorithmName.SHA1 ? 20 : algorithm == HashAlgorithmName.SHA256 ? 32 : 64;
        if (decoded.Length < size || (!salted && decoded.Length != size))
        {
            return false;
        }
        byte[] input = [.. Encoding.UTF8.GetBytes(password), .. decoded.AsSpan(size)];
        var digest = algorithm == HashAlgorithmName.SHA1 ? SHA1.HashData(input)
            : algorithm == HashAlgorithmName.SHA256 ? SHA256.HashData(input)
            : SHA512.HashData(input);
        return CryptographicOperations.FixedTimeEquals(digest, decoded.AsSpan(0, size));
    }

    /// <summary>Largest PBKDF2 iteration count accepted from a stored hash (a hostile entry must not stall a login).</summary>
    public const int MaxPbkdf2Iterations = 10_000_000;

    private static bool VerifyPbkdf2(HashAlgorithmName algorithm, string value, string password)
    {
        var parts = value.Split('$');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations is < 1 or > MaxPbkdf2Iterations
            || !TryBase64(parts[1].Replace('.', '+'), out var salt) || !TryBase64(parts[2].Replace('.', '+'), out var expected)
            || expected.Length is 0 or > 1024)
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, algorithm, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static string AdaptedBase64(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '.');

    private static bool TryBase64(string text, out byte[] data)
    {
        var padded = text.Length % 4 == 0 ? text : text.PadRight(text.Length + (4 - text.Length % 4), '=');
        data = new byte[padded.Length];
        if (Convert.TryFromBase64String(padded, data, out var written))
        {
            data = data[..written];
            return true;
        }
        data = [];
        return false;
    }
}
