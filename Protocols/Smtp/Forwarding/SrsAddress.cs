using System.Security.Cryptography;
using System.Text;

namespace Mail.Protocols.Smtp.Forwarding;

/// <summary>Outcome of <see cref="SrsAddress.Reverse"/>.</summary>
public enum SrsReverseResult
{
    /// <summary>Not an SRS0 or SRS1 address of our SRS domain: resolve it as usual.</summary>
    NotSrs,
    /// <summary>A valid SRS0 address (the original sender is known) or SRS1 address (the first forwarder's SRS0 address is known).</summary>
    Valid,
    /// <summary>An SRS0 or SRS1 address at our domain whose hash does not verify (forged) or that is malformed.</summary>
    BadHash,
    /// <summary>An SRS0 address at our domain older than <see cref="SrsOptions.MaxAgeDays"/>.</summary>
    Expired,
}

/// <summary>
/// The Sender Rewriting Scheme as libsrs2 and postsrsd implement it (Shevek, "Sender Rewriting Scheme", 2004; libsrs2's
/// <c>srs_compile_guarded</c> / <c>srs_parse_guarded</c>):
/// <list type="bullet">
/// <item><c>SRS0=HHHH=TT=domain=local@srs-domain</c> for an ordinary sender: HHHH = the first 4 characters of
/// base64(HMAC-SHA1(key, lower-case(TT + domain + local))), TT = days since 1970 modulo 1024 in two base32 characters.</item>
/// <item><c>SRS1=HHHH=first-forwarder==HHHH=TT=domain=local@srs-domain</c> for a sender that is already an SRS address of
/// another forwarder: HHHH = base64(HMAC-SHA1(key, lower-case(first-forwarder + opaque))), where opaque is the other
/// forwarder's SRS0 local part after its <c>SRS0</c> tag. An SRS1 sender is re-hashed but keeps its first forwarder and
/// opaque part, so the address stays one level deep however many forwarders it passes.</item>
/// </list>
/// </summary>
/// <remarks>
/// An address already in our SRS domain is not rewritten. A bounce to our SRS1 address goes back one hop, to the first
/// forwarder's SRS0 address (<c>SRS0=HHHH=TT=domain=local@first-forwarder</c>), whose hash and age only that forwarder can check;
/// SRS1 carries no timestamp of its own (as in libsrs2). Hashes compare case-insensitively (some MTAs fold the local part) and in
/// constant time.
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
    /// The envelope sender to use when re-sending mail from <paramref name="sender"/>: <c>SRS1=…@</c><see cref="Domain"/> when the
    /// sender is another forwarder's SRS0 or SRS1 address, else <c>SRS0=…@</c><see cref="Domain"/>; the null sender (empty) and
    /// senders already in <see cref="Domain"/> stay as they are.
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
        if (IsTagged(local, "SRS0"))
        {
            // The other forwarder's SRS0 local part, tag dropped, separator kept: "=HHHH=TT=domain=local".
            return Srs1(host, local[4..]);
        }
        if (IsTagged(local, "SRS1") && TrySplitSrs1(local, out _, out var firstHost, out var opaque))
        {
            return Srs1(firstHost, opaque);
        }
        var stamp = Timestamp(now);
        return $"SRS0={Hash(_keys[0], stamp + host + local)}={stamp}={host}={local}@{Domain}";
    }

    /// <summary>
    /// Undoes <see cref="Forward"/> for a bounce sent to an SRS address of <see cref="Domain"/>: for SRS0 the original sender,
    /// for SRS1 the first forwarder's SRS0 address (one hop back).
    /// </summary>
    public SrsReverseResult Reverse(string address, DateTimeOffset now, out string original)
    {
        ArgumentNullException.ThrowIfNull(address);
        original = "";
        var at = address.LastIndexOf('@');
        if (at <= 0 || !address[(at + 1)..].Equals(Domain, StringComparison.OrdinalIgnoreCase))
        {
            return SrsReverseResult.NotSrs;
        }
        var localPart = address[..at];
        if (IsTagged(localPart, "SRS1"))
        {
            return ReverseSrs1(localPart, out original);
        }
        if (!IsTagged(localPart, "SRS0"))
        {
            return SrsReverseResult.NotSrs;
        }
        // SRS0=HHHH=TT=host=local: the local part of the original may itself contain '='.
        var parts = localPart[5..].Split('=', 4);
        if (parts.Length != 4 || parts[0].Length != HashLength || parts[1].Length != 2 || parts[2].Length == 0 || parts[3].Length == 0)
        {
            return SrsReverseResult.BadHash;
        }
        var (hash, stamp, host, local) = (parts[0], parts[1], parts[2], parts[3]);
        if (!Verify(hash, stamp + host + local))
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

    /// <summary>SRS1=HHHH=first-host=opaque: the first forwarder's SRS0 address, <c>SRS0</c> + opaque + <c>@</c> + first-host.</summary>
    private SrsReverseResult ReverseSrs1(string local, out string original)
    {
        original = "";
        if (!TrySplitSrs1(local, out var hash, out var host, out var opaque) || hash.Length != HashLength || !Verify(hash, host + opaque))
        {
            return SrsReverseResult.BadHash;
        }
        original = "SRS0" + opaque + "@" + host;
        return SrsReverseResult.Valid;
    }

    private string Srs1(string firstHost, string opaque) => $"SRS1={Hash(_keys[0], firstHost + opaque)}={firstHost}={opaque}@{Domain}";

    /// <summary>True when <paramref name="local"/> starts with <paramref name="tag"/> (any case) and one of the separators <c>= + -</c>.</summary>
    private static bool IsTagged(string local, string tag) =>
        local.Length > tag.Length && local.StartsWith(tag, StringComparison.OrdinalIgnoreCase) && local[tag.Length] is '=' or '+' or '-';

    /// <summary>
    /// Splits <c>SRS1=HHHH=first-host=opaque</c> (any separator after the tag, '=' inside, as libsrs2's <c>srs_parse_guarded</c>);
    /// false when the hash, host or opaque part is empty.
    /// </summary>
    private static bool TrySplitSrs1(string local, out string hash, out string host, out string opaque)
    {
        var parts = local[5..].Split('=', 3);
        (hash, host, opaque) = parts.Length == 3 ? (parts[0], parts[1], parts[2]) : ("", "", "");
        return hash.Length > 0 && host.Length > 0 && opaque.Length > 0;
    }

    /// <summary>True when <paramref name="hash"/> is the hash of <paramref name="data"/> under any of the keys (case-insensitive, constant time per key).</summary>
    private bool Verify(string hash, string data)
    {
        var expected = Encoding.ASCII.GetBytes(hash.ToUpperInvariant());
        var valid = false;
        foreach (var key in _keys)
        {
            valid |= CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key, data).ToUpperInvariant()), expected);
        }
        return valid;
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

    /// <summary>libsrs2's <c>srs_hash_create</c>: the parts concatenated, lower-cased, HMAC-SHA1, base64, first 4 characters.</summary>
    private static string Hash(byte[] key, string data)
    {
        var bytes = Encoding.UTF8.GetBytes(data.ToLowerInvariant());
        // HMAC-SHA1 is what every SRS implementation (libsrs2, postsrsd, Mail::SRS) computes: another choice would not
        // interoperate with forwarders sharing the key. HMAC does not rely on SHA-1's collision resistance.
#pragma warning disable CA5350
        return Convert.ToBase64String(HMACSHA1.HashData(key, bytes))[..HashLength];
#pragma warning restore CA5350
    }
}
