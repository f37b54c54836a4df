using System.Net;

namespace Mail.Protocols.Filtering.Block;

/// <summary>Syntax of the HELO argument and of the sender domain (RFC 5321 §4.1.2 Domain / address-literal, RFC 1035 §2.3.4 lengths).</summary>
public static class HostSyntax
{
    /// <summary>True for a Domain (dot-separated labels of letters, digits and inner hyphens, ≤ 63 octets each, ≤ 255 in all) or an address literal (<c>[192.0.2.1]</c>, <c>[IPv6:2001:db8::1]</c>).</summary>
    public static bool IsDomainOrLiteral(string value) => IsAddressLiteral(value) || IsDomain(value, requireDot: false);

    /// <summary>True for a fully-qualified Domain (at least two labels) or an address literal.</summary>
    public static bool IsFullyQualified(string value) => IsAddressLiteral(value) || IsDomain(value, requireDot: true);

    private static bool IsAddressLiteral(string value)
    {
        if (value.Length < 3 || value[0] != '[' || value[^1] != ']')
        {
            return false;
        }
        var inner = value[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }
        return IPAddress.TryParse(inner, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && inner.Count(c => c == '.') == 3;
    }

    private static bool IsDomain(string value, bool requireDot)
    {
        if (value.Length is 0 or > 255)
        {
            return false;
        }
        var labels = 0;
        foreach (var label in value.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
            labels++;
        }
        // A numeric last label is an IP address written without brackets, not a domain.
        var last = value[(value.LastIndexOf('.') + 1)..];
        return (!requireDot || labels >= 2) && !last.All(char.IsAsciiDigit);
    }
}
