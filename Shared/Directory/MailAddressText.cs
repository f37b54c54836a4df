using System.Diagnostics.CodeAnalysis;

namespace Mail.Shared.Directory;

/// <summary>
/// Canonical form and shape checks for the addresses and domains the directory stores:
/// lower-case (invariant), domain without a trailing dot, <c>local@domain</c> split at the last <c>@</c>.
/// </summary>
/// <remarks>
/// This is deliberately a shape check, not an RFC 5321 parser: the SMTP and IMAP layers parse the
/// wire; the directory only refuses what could never be a mailbox (empty parts, whitespace,
/// control characters, over-long parts per RFC 5321 §4.5.3.1). UTF-8 local parts and U-labels are
/// accepted as-is (RFC 6531); IDNA conversion is not done here.
/// </remarks>
public static class MailAddressText
{
    /// <summary>Longest local part in octets (RFC 5321 §4.5.3.1.1).</summary>
    public const int MaxLocalPartLength = 64;

    /// <summary>Longest domain (RFC 5321 §4.5.3.1.2 allows 255; DNS names are at most 253 without the root dot).</summary>
    public const int MaxDomainLength = 253;

    /// <summary>Longest DNS label (RFC 1035 §2.3.4).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>Lower-cases a domain and removes one trailing dot and surrounding whitespace.</summary>
    public static string NormalizeDomain(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var d = domain.Trim().ToLowerInvariant();
        return d.EndsWith('.') ? d[..^1] : d;
    }

    /// <summary>Lower-cases an address (both parts) and normalizes its domain; returns the input trimmed and lower-cased when it has no <c>@</c>.</summary>
    public static string Normalize(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var a = address.Trim();
        var at = a.LastIndexOf('@');
        return at < 0 ? a.ToLowerInvariant() : a[..at].ToLowerInvariant() + "@" + NormalizeDomain(a[(at + 1)..]);
    }

    /// <summary>
    /// <see cref="NormalizeDomain"/>, then <see cref="IsValidDomain"/>: false when the normalized name is not a DNS name
    /// (<paramref name="normalized"/> is set either way).
    /// </summary>
    public static bool TryNormalizeDomain(string domain, out string normalized)
    {
        normalized = NormalizeDomain(domain);
        return IsValidDomain(normalized);
    }

    /// <summary>True when <paramref name="domain"/> (already normalized) has the shape of a DNS name.</summary>
    public static bool IsValidDomain([NotNullWhen(true)] string? domain)
    {
        if (string.IsNullOrEmpty(domain) || domain.Length > MaxDomainLength)
        {
            return false;
        }
        foreach (var label in domain.Split('.'))
        {
            if (label.Length is 0 or > MaxLabelLength || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
            foreach (var c in label)
            {
                if (!(char.IsLetterOrDigit(c) || c == '-' || c == '_' || c > 127))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>
    /// Normalizes and splits <paramref name="address"/> into local part and domain; false when it is
    /// not a plausible <c>local@domain</c> mailbox.
    /// </summary>
    public static bool TryParse(string? address, [NotNullWhen(true)] out string? normalized, [NotNullWhen(true)] out string? localPart, [NotNullWhen(true)] out string? domain)
    {
        normalized = localPart = domain = null;
        if (string.IsNullOrWhiteSpace(address))
        {
            return false;
        }
        var n = Normalize(address);
        var at = n.LastIndexOf('@');
        if (at <= 0 || at == n.Length - 1)
        {
            return false;
        }
        var local = n[..at];
        var dom = n[(at + 1)..];
        if (local.Length > MaxLocalPartLength || !IsValidDomain(dom))
        {
            return false;
        }
        foreach (var c in local)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or ':' or '\\' or '"' or '(' or ')' or '[' or ']')
            {
                return false;
            }
        }
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }
        normalized = n;
        localPart = local;
        domain = dom;
        return true;
    }
}
