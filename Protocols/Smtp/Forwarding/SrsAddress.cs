using System.Security.Cryptography;
using System.Text;

namespace Mail.Protocols.Smtp.Forwarding;

/// <summary>Outcome of <see cref="SrsAddress.Reverse"/>.</summary>
public enum SrsReverseResult
{
    /// <summary>Not an SRS0 address of our SRS domain: resolve it as usual.</summary>
    NotSrs,
    /// <summary>A valid SRS0 address: the original sender is known.</summary>
    Valid,
    /// <summary>An SRS0 address at our domain whose hash does not verify (forged) or that is malformed.</summary>
    BadHash,
    /// <summary>An SRS0 address at our domain older than <see cref="SrsOptions.MaxAgeDays"/>.</summary>
    Expired,
}

/// <summary>
/// SRS0 rewriting as libsrs2 and postsrsd do it (Shevek, "Sender Rewriting Scheme", 2004; the layout of
/// <c>SRS0=HHHH=TT=domain=local@srs-domain</c>): HHHH = the first 4 characters of base64(HMAC-SHA1(key,
/// lower-case(TT + domain + local))), TT = days since 1970 modulo 1024 in two base32 characters.
/// </summary>
/// <remarks>
/// An address already in our SRS domain is not rewritten. An SRS0 address of another forwarder is rewritten again
/// as SRS0 (not SRS1): each hop reverses only its own layer, so bounces still find their way back, at the cost of a
/// longer local part. Hashes compare case-insensitively (some MTAs fold the local part) and in constant time.
/// </remarks>
public sealed class SrsAddress
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const int HashLength = 4;
    private const int TimestampModulus = 1024;
    private const int SecondsPerDay = 86400;

    private readonly byte[][] _keys;
    private readonly int _maxAgeDays;

    /// <param name="domain">The SRS domain (lower case, no trailing dot).</param>
    /// <param name="keys">HMAC keys: the first signs, all verify.</param>
    /// <param name="maxAgeDays">Validity of an address in days.</param>
    public SrsAddress(string domain, IReadOnlyList<byte[]> keys, int maxAgeDays)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one SRS key is needed.", nameof(keys));
        }
        Domain = domain.TrimEnd('.').ToLowerInvariant();
        _keys = [.. keys];
        _maxAgeDays = Math.Clamp(maxAgeDays, 1, TimestampModulus - 1);
    }

    /// <summary>The SRS domain.</summary>
    public string Domain { get; }

    /// <summary>
    /// The envelope sender to use when re-sending mail from <paramref name="sender"/>: <c>SRS0=…@</c><see cref="Domain"/>;
    /// the null sender (empty) and senders already in <see cref="Domain"/> stay as they are.
    /// </summary>
    public string Forward(string sender, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var at = sender.LastIndexOf('@');
        if (sender.Length == 0 || at <= 0 || at == sender.Length - 1)
        {
            return sender;
        }
        var local = sender[..at];
        var host = sender[(at + 1)..];
        if (host.Equals(Domain, StringComparison.OrdinalIgnoreCase))
        {
            return sender;
        }
        var stamp = Timestamp(now);
        return $"SRS0={Hash(_keys[0], stamp, host, local)}={stamp}={host}={local}@{Domain}";
    }

    /// <summary>Undoes <see cref="Forward"/>: the original sender of a bounce sent to an SRS0 address of <see cref="Domain"/>.</summary>
    public SrsReverseResult Reverse(string address, DateTimeOffset now, out string original)
    {
        ArgumentNullException.ThrowIfNull(address);
        original = "";
        var at = address.LastIndexOf('@');
        if (at <= 0 || !address[(at + 1)..].Equals(Domain, StringComparison.OrdinalIgnoreCase)
            || !address.StartsWith("SRS0", StringComparison.OrdinalIgnoreCase) || address.Length < 5 || address[4] is not ('=' or '+' or '-'))
        {
            return SrsReverseResult.NotSrs;
        }
        // SRS0=HHHH=TT=host=local: the local part of the original may itself contain '='.
        var parts = address[5..at].Split('=', 4);
        if (parts.Length != 4 || parts[0].Length != HashLength || parts[1].Length != 2 || parts[2].Length == 0 || parts[3].Length == 0)
        {
            return SrsReverseResult.BadHash;
        }
        var (hash, stamp, host, local) = (parts[0], parts[1], parts[2], parts[3]);
        var expected = Encoding.ASCII.GetBytes(hash.ToUpperInvariant());
        var valid = false;
        foreach (var key in _keys)
        {
            valid |= CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key, stamp, host, local).ToUpperInvariant()), expected);
        }
        if (!valid)
        {
            return SrsReverseResult.BadHash;
        }
        if (!TryDecodeTimestamp(stamp, out var then))
        {
            return SrsReverseResult.BadHash;
        }
        var today = (int)(now.ToUnixTimeSeconds() / SecondsPerDay % TimestampModulus);
        var age = (today - then + TimestampModulus) % TimestampModulus;
        if (age > _maxAgeDays)
        {
            return SrsReverseResult.Expired;
        }
        original = local + "@" + host;
        return SrsReverseResult.Valid;
    }

    private static string Timestamp(DateTimeOffset now)
    {
        var days = (int)(now.ToUnixTimeSeconds() / SecondsPerDay % TimestampModulus);
        return new string([Base32[days >> 5], Base32[days & 31]]);
    }

    private static bool TryDecodeTimestamp(string stamp, out int days)
    {
        var high = Base32.IndexOf(char.ToUpperInvariant(stamp[0]), StringComparison.Ordinal);
        var low = Base32.IndexOf(char.ToUpperInvariant(stamp[1]), StringComparison.Ordinal);
        days = (high << 5) | low;
        return high >= 0 && low >= 0;
    }

    private static string Hash(byte[] key, string stamp, string host, string local)
    {
        var data = Encoding.UTF8.GetBytes((stamp + host + local).ToLowerInvariant());
        // HMAC-SHA1 is what every SRS implementation (libsrs2, postsrsd, Mail::SRS) computes: another choice would not
        // interoperate with forwarders sharing the key. HMAC does not rely on SHA-1's collision resistance.
#pragma warning disable CA5350
        return Convert.ToBase64String(HMACSHA1.HashData(key, data))[..HashLength];
#pragma warning restore CA5350
    }
}
