namespace Mail.Protocols.Store;

/// <summary>Keywords (IMAP user flags) as stored: one space-separated string, compared case-insensitively.</summary>
internal static class Keywords
{
    private static readonly IReadOnlyList<string> None = [];

    /// <summary>Encodes keywords, dropping case-insensitive duplicates.</summary>
    /// <exception cref="ArgumentException">A keyword is empty or contains white space or control characters (not an IMAP atom).</exception>
    public static string Encode(IEnumerable<string> keywords) => string.Join(' ', Normalize(keywords));

    /// <summary>Decodes the stored form.</summary>
    public static IReadOnlyList<string> Decode(string stored) =>
        stored.Length == 0 ? None : stored.Split(' ');

    /// <summary>Validated, de-duplicated keywords in first-seen order.</summary>
    public static List<string> Normalize(IEnumerable<string> keywords)
    {
        var result = new List<string>();
        foreach (var keyword in keywords)
        {
            if (keyword.Length == 0 || keyword.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new ArgumentException($"'{keyword}' is not a valid keyword.", nameof(keywords));
            }
            if (!result.Contains(keyword, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(keyword);
            }
        }
        return result;
    }
}
