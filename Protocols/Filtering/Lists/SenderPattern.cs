using System.Globalization;

namespace Mail.Protocols.Filtering.Lists;

/// <summary>Normalizes and matches sender list patterns and owners (see <see cref="ISenderListStore"/>).</summary>
public static class SenderPattern
{
    private static readonly IdnMapping Idn = new();

    /// <summary>
    /// Normalizes a pattern: <c>Bob@Example.ORG</c> → <c>bob@example.org</c>; <c>@example.org</c>,
    /// <c>*@example.org</c> and <c>example.org</c> → <c>example.org</c>; IDNs to A-labels.
    /// </summary>
    /// <returns>False when it is neither an address nor a domain (empty parts, spaces, bad labels, over 254 characters).</returns>
    public static bool TryNormalize(string? pattern, out string normalized)
    {
        normalized = "";
        var text = pattern?.Trim() ?? "";
        if (text.StartsWith("*@", StringComparison.Ordinal))
        {
            text = text[2..];
        }
        else if (text.StartsWith('@'))
        {
            text = text[1..];
        }
        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return TryDomain(text, out normalized);
        }
        return TryAddress(text, out normalized);
    }

    /// <summary>Normalizes an address <c>local@domain</c> (lower case, domain in A-labels).</summary>
    public static bool TryAddress(string? address, out string normalized)
    {
        normalized = "";
        var text = address?.Trim() ?? "";
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1 || text.Length > 254)
        {
            return false;
        }
        var local = text[..at];
        if (local.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ','))
        {
            return false;
        }
        if (!TryDomain(text[(at + 1)..], out var domain))
        {
            return false;
        }
        normalized = local.ToLowerInvariant() + "@" + domain;
        return true;
    }

    /// <summary>Normalizes a domain name (lower case, A-labels, no trailing dot, labels of letters, digits and hyphens).</summary>
    public static bool TryDomain(string? domain, out string normalized)
    {
        normalized = "";
        var text = (domain?.Trim() ?? "").TrimEnd('.');
        if (text.Length is 0 or > 253)
        {
            return false;
        }
        try
        {
            text = Idn.GetAscii(text).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }
        foreach (var label in text.Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-')
                || !label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }
        normalized = text;
        return true;
    }

    /// <summary>
    /// The patterns that would match <paramref name="address"/> (normalized), most specific first:
    /// the address, its domain, then each parent domain (<c>a.b.example.org</c>, <c>b.example.org</c>, <c>example.org</c>, <c>org</c>).
    /// </summary>
    public static IReadOnlyList<string> Candidates(string address)
    {
        var at = address.LastIndexOf('@');
        var list = new List<string> { address };
        var domain = address[(at + 1)..];
        while (true)
        {
            list.Add(domain);
            var dot = domain.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                return list;
            }
            domain = domain[(dot + 1)..];
        }
    }
}
