using System.Text;

namespace Mail.Protocols.Imap.Search;

/// <summary>
/// The "base subject" of RFC 5256 §2.1, used by SORT (SUBJECT) and THREAD: the decoded subject
/// without reply/forward prefixes (<c>Re:</c>, <c>Fw:</c>, <c>Fwd:</c>, with <c>[blob]</c>s),
/// trailing <c>(fwd)</c> and <c>[fwd: …]</c> wrappers, whitespace collapsed.
/// </summary>
public static class ImapBaseSubject
{
    /// <summary>Extracts the base subject from an already RFC 2047-decoded subject (null = empty).</summary>
    public static string Extract(string? decodedSubject) => Extract(decodedSubject, out _);

    /// <summary>
    /// Extracts the base subject; <paramref name="isReplyOrForward"/> tells whether a reply/forward
    /// marker (<c>Re:</c>, <c>Fwd:</c>, <c>(fwd)</c>, <c>[fwd: …]</c>) was removed (RFC 5256 §2.2 step 5).
    /// </summary>
    public static string Extract(string? decodedSubject, out bool isReplyOrForward)
    {
        isReplyOrForward = false;
        var s = Collapse(decodedSubject ?? "");
        while (true)
        {
            // (2) Remove trailing "(fwd)" and whitespace.
            while (true)
            {
                var trimmed = s.TrimEnd(' ');
                if (trimmed.EndsWith("(fwd)", StringComparison.OrdinalIgnoreCase))
                {
                    trimmed = trimmed[..^5];
                    isReplyOrForward = true;
                }
                if (trimmed.Length == s.Length)
                {
                    break;
                }
                s = trimmed;
            }
            // (3)-(5) Remove leaders and leading blobs until nothing changes.
            while (true)
            {
                var before = s;
                s = RemoveLeaders(s, ref isReplyOrForward);
                var afterBlob = SkipBlob(s, 0);
                if (afterBlob > 0 && afterBlob < s.Length)
                {
                    s = s[afterBlob..];
                }
                if (s == before)
                {
                    break;
                }
            }
            // (6) "[fwd: ...]" wrapper.
            if (s.StartsWith("[fwd:", StringComparison.OrdinalIgnoreCase) && s.EndsWith(']'))
            {
                s = s[5..^1];
                isReplyOrForward = true;
                continue;
            }
            return s;
        }
    }

    private static string Collapse(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                space = true;
                continue;
            }
            if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }
            space = false;
            sb.Append(c);
        }
        if (space && sb.Length == 0)
        {
            return "";
        }
        return sb.ToString();
    }

    /// <summary>Removes subj-leader = (*subj-blob subj-refwd) / WSP, repeatedly.</summary>
    private static string RemoveLeaders(string s, ref bool isReplyOrForward)
    {
        while (true)
        {
            if (s.StartsWith(' '))
            {
                s = s[1..];
                continue;
            }
            var i = 0;
            while (true)
            {
                var next = SkipBlob(s, i);
                if (next == i)
                {
                    break;
                }
                i = next;
            }
            var end = SkipRefwd(s, i);
            if (end < 0)
            {
                return s;
            }
            isReplyOrForward = true;
            s = s[end..];
        }
    }

    /// <summary>subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":" — returns the end, or -1.</summary>
    private static int SkipRefwd(string s, int i)
    {
        if (Matches(s, i, "re"))
        {
            i += 2;
        }
        else if (Matches(s, i, "fwd"))
        {
            i += 3;
        }
        else if (Matches(s, i, "fw"))
        {
            i += 2;
        }
        else
        {
            return -1;
        }
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
        i = SkipBlob(s, i);
        return i < s.Length && s[i] == ':' ? i + 1 : -1;
    }

    /// <summary>subj-blob = "[" *BLOBCHAR "]" *WSP — returns the end, or <paramref name="i"/> when none.</summary>
    private static int SkipBlob(string s, int i)
    {
        if (i >= s.Length || s[i] != '[')
        {
            return i;
        }
        var j = i + 1;
        while (j < s.Length && s[j] is not ('[' or ']'))
        {
            j++;
        }
        if (j >= s.Length || s[j] != ']')
        {
            return i;
        }
        j++;
        while (j < s.Length && s[j] == ' ')
        {
            j++;
        }
        return j;
    }

    private static bool Matches(string s, int i, string word) =>
        i + word.Length <= s.Length && string.Compare(s, i, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>i;ascii-casemap comparison (RFC 4790 §9.2): ASCII letters folded to upper case, then octet order.</summary>
    public static int CompareCaseMap(string? a, string? b)
    {
        a ??= "";
        b ??= "";
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var x = a[i] is >= 'a' and <= 'z' ? (char)(a[i] - 32) : a[i];
            var y = b[i] is >= 'a' and <= 'z' ? (char)(b[i] - 32) : b[i];
            if (x != y)
            {
                return x.CompareTo(y);
            }
        }
        return a.Length.CompareTo(b.Length);
    }
}
