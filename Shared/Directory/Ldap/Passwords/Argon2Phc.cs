using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Mail.Shared.Directory.Ldap.Passwords;

/// <summary>
/// Argon2 hashes in the PHC string format that OpenLDAP's <c>argon2</c> password module and Dovecot
/// write after <c>{ARGON2}</c>: <c>$argon2id$v=19$m=65536,t=2,p=1$&lt;salt&gt;$&lt;hash&gt;</c>
/// (salt and hash in base64 without padding; m in KiB). Variants argon2i, argon2d, argon2id; version 19 (0x13) only.
/// </summary>
public static class Argon2Phc
{
    /// <summary>Largest memory cost accepted from a stored hash, in KiB (1 GiB): a hostile entry must not exhaust memory.</summary>
    public const int MaxMemoryKib = 1 << 20;

    /// <summary>Largest time cost (passes) accepted from a stored hash.</summary>
    public const int MaxIterations = 64;

    /// <summary>Largest parallelism accepted from a stored hash.</summary>
    public const int MaxParallelism = 16;

    /// <summary>Verifies <paramref name="password"/> against a PHC string; false when malformed or out of the limits above.</summary>
    public static bool Verify(string phc, string password)
    {
        ArgumentNullException.ThrowIfNull(phc);
        ArgumentNullException.ThrowIfNull(password);
        var parts = phc.Split('$');
        // "", variant, "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.Length != 6 || parts[0].Length != 0 || parts[2] != "v=19")
        {
            return false;
        }
        int m = 0, t = 0, p = 0;
        foreach (var parameter in parts[3].Split(','))
        {
            var kv = parameter.Split('=', 2);
            if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }
            switch (kv[0])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return false;
            }
        }
        if (m is < 8 or > MaxMemoryKib || t is < 1 or > MaxIterations || p is < 1 or > MaxParallelism
            || !TryDecode(parts[4], out var salt) || !TryDecode(parts[5], out var expected) || expected.Length is < 4 or > 1024)
        {
            return false;
        }
        var bytes = Encoding.UTF8.GetBytes(password);
        using Argon2? argon = parts[1] switch
        {
            "argon2id" => new Argon2id(bytes),
            "argon2i" => new Argon2i(bytes),
            "argon2d" => new Argon2d(bytes),
            _ => null,
        };
        if (argon is null)
        {
            return false;
        }
        argon.Salt = salt;
        argon.MemorySize = m;
        argon.Iterations = t;
        argon.DegreeOfParallelism = p;
        return CryptographicOperations.FixedTimeEquals(argon.GetBytes(expected.Length), expected);
    }

    /// <summary>An argon2id PHC string with a random 16-octet salt and a 32-octet hash.</summary>
    public static string HashArgon2id(string password, int memoryKib = 65536, int iterations = 2, int parallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(16);
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = memoryKib,
            Iterations = iterations,
            DegreeOfParallelism = parallelism,
        };
        var hash = argon.GetBytes(32);
        return string.Create(CultureInfo.InvariantCulture, $"$argon2id$v=19$m={memoryKib},t={iterations},p={parallelism}${Encode(salt)}${Encode(hash)}");
    }

    private static string Encode(byte[] data) => Convert.ToBase64String(data).TrimEnd('=');

    private static bool TryDecode(string text, out byte[] data)
    {
        data = [];
        if (text.Length == 0 || text.Length % 4 == 1)
        {
            return false;
        }
        var padded = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        try
        {
            data = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
