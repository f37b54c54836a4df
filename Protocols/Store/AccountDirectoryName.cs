using System.Security.Cryptography;
using System.Text;

namespace Mail.Protocols.Store;

/// <summary>
/// Maps a canonical account address to its directory under the store root:
/// <c>&lt;domain&gt;/&lt;local&gt;</c>, each part escaped so that it is one safe path segment.
/// </summary>
/// <remarks>
/// Kept as is: ASCII letters, digits and <c>- _ + =</c>, and <c>.</c> except at the start of a
/// segment (so <c>.</c>, <c>..</c> and hidden names cannot occur). Every other octet of the UTF-8
/// form, <c>%</c> included, becomes <c>%XX</c>, so the mapping is injective and no segment can
/// contain a separator. A segment longer than 120 characters is shortened to a prefix plus
/// <c>~</c> and a SHA-256 hex digest (<c>~</c> never occurs otherwise).
/// </remarks>
internal static class AccountDirectoryName
{
    private const int MaxSegmentLength = 120;

    /// <summary>The relative path <c>domain/local</c> of an account.</summary>
    /// <exception cref="ArgumentException">The address has no <c>@</c> or an empty part.</exception>
    public static string RelativePath(string account)
    {
        var at = account.LastIndexOf('@');
        if (at <= 0 || at == account.Length - 1)
        {
            throw new ArgumentException($"'{account}' is not a canonical address (local@domain).", nameof(account));
        }
        return Path.Combine(Escape(account[(at + 1)..]), Escape(account[..at]));
    }

    /// <summary>Escapes one path segment (see the class remarks).</summary>
    public static string Escape(string part)
    {
        var bytes = Encoding.UTF8.GetBytes(part);
        var sb = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var keep = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'+' or (byte)'='
                || (b == (byte)'.' && i > 0);
            if (keep)
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        if (sb.Length <= MaxSegmentLength)
        {
            return sb.ToString();
        }
        var digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return string.Concat(sb.ToString(0, MaxSegmentLength - digest.Length - 1), "~", digest);
    }
}
