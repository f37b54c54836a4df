using System.Security.Cryptography;
using System.Text;

namespace Mail.Shared.Directory.Ldap.Passwords;

/// <summary>
/// SHA-crypt (<c>$5$</c> SHA-256, <c>$6$</c> SHA-512) as specified by Ulrich Drepper,
/// "Unix crypt using SHA-256 and SHA-512" (2008), the glibc <c>crypt(3)</c> formats that
/// <c>{CRYPT}</c> userPassword values carry.
/// </summary>
/// <remarks>
/// Format: <c>$id$[rounds=N$]salt$hash</c>; salt at most 16 characters (longer is cut, as glibc does);
/// rounds default 5000, clamped to 1000..999,999,999; hash in crypt's own base-64 alphabet.
/// yescrypt (<c>$y$</c>), MD5-crypt (<c>$1$</c>) and DES crypt are not implemented: verification fails.
/// </remarks>
public static class ShaCrypt
{
    private const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string RoundsPrefix = "rounds=";
    private const int DefaultRounds = 5000;
    private const int MinRounds = 1000;
    private const int MaxRounds = 999_999_999;
    private const int MaxSaltLength = 16;

    /// <summary>
    /// Verifies <paramref name="password"/> against a <c>$5$</c> or <c>$6$</c> crypt string (without the
    /// <c>{CRYPT}</c> prefix). False for other formats and malformed strings.
    /// </summary>
    public static bool Verify(string cryptText, string password)
    {
        ArgumentNullException.ThrowIfNull(cryptText);
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(cryptText, out var id, out var rounds, out var roundsGiven, out var salt))
        {
            return false;
        }
        var expected = Compute(id, Encoding.UTF8.GetBytes(password), salt, rounds, roundsGiven);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(cryptText));
    }

    /// <summary>Computes a <c>$6$</c> (SHA-512) crypt string with a random 16-character salt.</summary>
    public static string HashSha512(string password, int rounds = DefaultRounds)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = new char[MaxSaltLength];
        for (var i = 0; i < salt.Length; i++)
        {
            salt[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        return Compute('6', Encoding.UTF8.GetBytes(password), new string(salt), rounds, rounds != DefaultRounds);
    }

    private static bool TryParse(string text, out char id, out int rounds, out bool roundsGiven, out string salt)
    {
        id = '\0';
        rounds = DefaultRounds;
        roundsGiven = false;
        salt = "";
        if (text.Length < 4 || text[0] != '$' || text[1] is not ('5' or '6') || text[2] != '$')
        {
            return false;
        }
        id = text[1];
        var rest = text.AsSpan(3);
        if (rest.StartsWith(RoundsPrefix, StringComparison.Ordinal))
        {
            var end = rest.IndexOf('$');
            if (end < 0 || !int.TryParse(rest[RoundsPrefix.Length..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out rounds))
            {
                return false;
            }
            rounds = Math.Clamp(rounds, MinRounds, MaxRounds);
            roundsGiven = true;
            rest = rest[(end + 1)..];
        }
        var saltEnd = rest.IndexOf('$');
        if (saltEnd < 0)
        {
            return false;
        }
        salt = rest[..Math.Min(saltEnd, MaxSaltLength)].ToString();
        return true;
    }

    private static string Compute(char id, byte[] key, string saltText, int rounds, bool roundsGiven)
    {
        var salt = Encoding.UTF8.GetBytes(saltText);
        var algorithm = id == '6' ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;
        var size = id == '6' ? 64 : 32;

        // Digest B = H(key salt key).
        var b = Hash(algorithm, key, salt, key);

        // Digest A = H(key salt B-repeated-to-key-length bits-of-key-length-select-B-or-key).
        using var a = IncrementalHash.CreateHash(algorithm);
        a.AppendData(key);
        a.AppendData(salt);
        AppendRepeated(a, b, key.Length);
        for (var n = key.Length; n > 0; n >>= 1)
        {
            a.AppendData((n & 1) != 0 ? b : key);
        }
        var c = a.GetHashAndReset();

        // P sequence: H(key repeated key-length times), stretched to key length.
        using var dp = IncrementalHash.CreateHash(algorithm);
        for (var i = 0; i < key.Length; i++)
        {
            dp.AppendData(key);
        }
        var p = Stretch(dp.GetHashAndReset(), key.Length);

        // S sequence: H(salt repeated 16 + A[0] times), stretched to salt length.
        using var ds = IncrementalHash.CreateHash(algorithm);
        for (var i = 0; i < 16 + c[0]; i++)
        {
            ds.AppendData(salt);
        }
        var s = Stretch(ds.GetHashAndReset(), salt.Length);

        using var round = IncrementalHash.CreateHash(algorithm);
        for (var i = 0; i < rounds; i++)
        {
            round.AppendData((i & 1) != 0 ? p : c);
            if (i % 3 != 0)
            {
                round.AppendData(s);
            }
            if (i % 7 != 0)
            {
                round.AppendData(p);
            }
            round.AppendData((i & 1) != 0 ? c : p);
            c = round.GetHashAndReset();
        }

        var text = new StringBuilder();
        text.Append('$').Append(id).Append('$');
        if (roundsGiven)
        {
            text.Append(RoundsPrefix).Append(rounds.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('$');
        }
        text.Append(saltText).Append('$');
        if (size == 64)
        {
            int[] order = [0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10,
                53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41];
            for (var i = 0; i < order.Length; i += 3)
            {
                Encode24(text, c[order[i]], c[order[i + 1]], c[order[i + 2]], 4);
            }
            Encode24(text, 0, 0, c[63], 2);
        }
        else
        {
            int[] order = [0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14, 15, 25, 5, 6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29];
            for (var i = 0; i < order.Length; i += 3)
            {
                Encode24(text, c[order[i]], c[order[i + 1]], c[order[i + 2]], 4);
            }
            Encode24(text, 0, c[31], c[30], 3);
        }
        return text.ToString();
    }

    private static byte[] Hash(HashAlgorithmName algorithm, params byte[][] parts)
    {
        using var h = IncrementalHash.CreateHash(algorithm);
        foreach (var part in parts)
        {
            h.AppendData(part);
        }
        return h.GetHashAndReset();
    }

    private static void AppendRepeated(IncrementalHash hash, byte[] block, int length)
    {
        var n = length;
        for (; n > block.Length; n -= block.Length)
        {
            hash.AppendData(block);
        }
        hash.AppendData(block, 0, n);
    }

    private static byte[] Stretch(byte[] block, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = block[i % block.Length];
        }
        return result;
    }

    private static void Encode24(StringBuilder text, byte b2, byte b1, byte b0, int chars)
    {
        var w = (b2 << 16) | (b1 << 8) | b0;
        for (var i = 0; i < chars; i++)
        {
            text.Append(Alphabet[w & 0x3f]);
            w >>= 6;
        }
    }
}
