namespace Mail.Protocols.Imap.Protocol;

/// <summary>LIST pattern matching (RFC 9051 §6.3.9): <c>*</c> matches anything, <c>%</c> anything but the delimiter <c>/</c>.</summary>
public static class ImapWildcard
{
    /// <summary>True when <paramref name="name"/> matches <paramref name="pattern"/>. O(pattern × name), no backtracking.</summary>
    public static bool Matches(string pattern, string name)
    {
        // next[j]: pattern[i+1..] matches name[j..]; current[j]: pattern[i..] matches name[j..].
        var next = new bool[name.Length + 1];
        var current = new bool[name.Length + 1];
        next[name.Length] = true;
        for (var i = pattern.Length - 1; i >= 0; i--)
        {
            var c = pattern[i];
            for (var j = name.Length; j >= 0; j--)
            {
                current[j] = c switch
                {
                    '*' => next[j] || (j < name.Length && current[j + 1]),
                    '%' => next[j] || (j < name.Length && name[j] != ImapMailboxName.Delimiter && current[j + 1]),
                    _ => j < name.Length && name[j] == c && next[j + 1],
                };
            }
            (next, current) = (current, next);
        }
        return next[0];
    }
}
