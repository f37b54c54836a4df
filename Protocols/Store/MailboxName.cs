namespace Mail.Protocols.Store;

/// <summary>Validation and normalization of mailbox names (RFC 9051 §5.1).</summary>
/// <remarks>
/// Names are full hierarchical names with <see cref="Separator"/>. The first level <c>INBOX</c> is
/// case-insensitive and normalized to upper case (so <c>inbox/x</c> is <c>INBOX/x</c>); other levels
/// are case-sensitive. Refused: empty names or levels, the LIST wildcards <c>*</c> and <c>%</c>,
/// control characters, and names longer than <see cref="MaxLength"/> UTF-16 code units. One trailing separator is
/// dropped (RFC 9051 §6.3.4: <c>CREATE foo/</c> creates <c>foo</c>).
/// </remarks>
public static class MailboxName
{
    /// <summary>Hierarchy separator.</summary>
    public const char Separator = '/';

    /// <summary>The name of the inbox.</summary>
    public const string Inbox = "INBOX";

    /// <summary>Longest accepted name, in UTF-16 code units.</summary>
    public const int MaxLength = 1000;

    /// <summary>Normalizes <paramref name="name"/>; null when it is not a valid name.</summary>
    public static string? Normalize(string name)
    {
        if (name.Length > 1 && name[^1] == Separator)
        {
            name = name[..^1];
        }
        if (name.Length == 0 || name.Length > MaxLength)
        {
            return null;
        }
        foreach (var c in name)
        {
            if (c is '*' or '%' || char.IsControl(c))
            {
                return null;
            }
        }
        if (name[0] == Separator || name.Contains("//", StringComparison.Ordinal))
        {
            return null;
        }
        var firstEnd = name.IndexOf(Separator);
        var first = firstEnd < 0 ? name : name[..firstEnd];
        if (first.Equals(Inbox, StringComparison.OrdinalIgnoreCase) && first != Inbox)
        {
            name = Inbox + name[first.Length..];
        }
        return name;
    }

    /// <summary>True for <c>INBOX</c> in any case.</summary>
    public static bool IsInbox(string name) => name.Equals(Inbox, StringComparison.OrdinalIgnoreCase);

    /// <summary>The parent names of a normalized name, outermost first (<c>a/b/c</c> → <c>a</c>, <c>a/b</c>).</summary>
    public static IEnumerable<string> Parents(string name)
    {
        for (var i = name.IndexOf(Separator); i >= 0; i = name.IndexOf(Separator, i + 1))
        {
            yield return name[..i];
        }
    }
}
