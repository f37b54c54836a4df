using System.Globalization;
using System.Text;

namespace Mail.Web.Tests.Protocols.Imap.Conformance;

/// <summary>
/// Matches server replies against expected script lines the way imaptest's test-exec.c does:
/// case-insensitive text, <c>$var</c> bound from the first matching reply, <c>$</c> matching anything,
/// <c>$N</c> relative sequence numbers, <c>${case:text}</c>, <c>$modseqN</c> ordering, and the
/// <c>$!</c> list directives.
/// </summary>
public sealed class ImapTestMatcher
{
    /// <summary>Result of a complete match (otherwise the number of arguments that matched).</summary>
    public const int Match = int.MaxValue;

    private readonly List<string> _added = [];
    private int _highestModseqIndex;
    private ulong _highestModseqValue;

    /// <summary>
    /// Check <c>$modseqN</c> bindings for increasing order (scripted_test.md "Modseq Variables"). The
    /// runner turns it off for scripts written before that rule, which bind them out of index order.
    /// </summary>
    public bool CheckModseqOrder { get; set; } = true;

    /// <summary>Variables ($user, $mailbox, bound $uid1 …). Keys are case-sensitive.</summary>
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>Maps a sequence number as of the start of the group to its current value (or a marker).</summary>
    public Func<uint, string> RelativeSequence { get; set; } = seq => seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>Forgets the variables bound since the last call (a reply that did not match after all).</summary>
    public void RevertAdded()
    {
        foreach (var name in _added)
        {
            Variables.Remove(name);
        }
        _added.Clear();
    }

    /// <summary>Keeps the variables bound since the last call.</summary>
    public void KeepAdded() => _added.Clear();

    /// <summary>Expands the variables of a command line; an unbound one is an error (or kept as <c>$</c> when <paramref name="lenient"/>).</summary>
    public string ExpandAll(string line, bool lenient = false)
    {
        if (!line.Contains('$', StringComparison.Ordinal))
        {
            return line;
        }
        var sb = new StringBuilder();
        var i = 0;
        while (i < line.Length)
        {
            if (line[i] != '$' || i == line.Length - 1)
            {
                sb.Append(line[i++]);
                continue;
            }
            i++;
            if (line[i] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }
            if (line[i] == '!')
            {
                while (i + 1 < line.Length && line[i + 1] != ' ')
                {
                    i++;
                }
                i++;
                continue;
            }
            string name;
            if (line[i] == '{')
            {
                var close = line.IndexOf('}', i);
                if (close < 0)
                {
                    throw new ImapTestFailedException("Missing '}'");
                }
                name = line[(i + 1)..close];
                i = close + 1;
            }
            else
            {
                var end = i;
                while (end < line.Length && IsVarChar(line[end]))
                {
                    end++;
                }
                name = line[i..end];
                i = end;
            }
            if (uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                sb.Append(RelativeSequence(seq));
            }
            else if (Variables.TryGetValue(name, out var value))
            {
                sb.Append(value);
            }
            else if (lenient)
            {
                sb.Append('$');
            }
            else
            {
                throw new ImapTestFailedException("Uninitialized variable: " + name);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Matches <paramref name="args"/> against <paramref name="expected"/> (from index 0, at most
    /// <paramref name="max"/> elements). With <paramref name="prefix"/> the last expected element only
    /// has to be a prefix and further input is ignored (resp-text after OK/NO/BAD/BYE).
    /// </summary>
    public int MatchArgs(IReadOnlyList<ImapTestArg> expected, int expectedStart, IReadOnlyList<ImapTestArg> args, int argsStart, int max, bool prefix)
    {
        var ret = 0;
        var m = expectedStart;
        var a = argsStart;
        for (; m < expected.Count && max > 0; m++, a++, max--)
        {
            var match = expected[m];
            var arg = a < args.Count ? args[a] : null;
            switch (match.Kind)
            {
                case ImapTestArgKind.Nil:
                    if (arg?.Kind != ImapTestArgKind.Nil)
                    {
                        return ret;
                    }
                    break;
                case ImapTestArgKind.List:
                    if (arg?.Kind != ImapTestArgKind.List)
                    {
                        return ret;
                    }
                    var sub = MatchList(match.Items!, arg.Items!);
                    if (sub != Match)
                    {
                        return ret + sub;
                    }
                    break;
                default:
                    if (match.Text == "$" && arg?.Kind == ImapTestArgKind.List)
                    {
                        break;
                    }
                    if (match.Text == "$]")
                    {
                        while (a < args.Count && args[a].Kind == ImapTestArgKind.Atom && !args[a].Text.Contains(']', StringComparison.Ordinal))
                        {
                            a++;
                        }
                        break;
                    }
                    if (arg is null || !arg.IsAString)
                    {
                        return ret;
                    }
                    // imaptest compares C strings: text after a NUL octet (binary literals) is not compared.
                    var pattern = CString(match.Text);
                    var input = CString(arg.Text);
                    var expanded = ExpandInput(pattern, input, out var ignoreCase);
                    if (expanded is null)
                    {
                        return ret;
                    }
                    var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                    var ok = prefix && m == expected.Count - 1
                        ? input.StartsWith(expanded, comparison)
                        : input.Equals(expanded, comparison);
                    if (!ok)
                    {
                        return ret;
                    }
                    break;
            }
            ret++;
        }
        return prefix || a >= args.Count || max == 0 ? Match : ret;
    }

    private int MatchList(List<ImapTestArg> expected, List<ImapTestArg> args)
    {
        var unordered = false;
        var chain = 1;
        var noExtra = -1;
        var ignores = new List<string>();
        var bans = new List<string>();
        var m = 0;
        for (; m < expected.Count && expected[m].Kind == ImapTestArgKind.Atom && expected[m].Text.StartsWith("$!", StringComparison.Ordinal); m++)
        {
            var directive = expected[m].Text[2..];
            if (directive.StartsWith("unordered", StringComparison.Ordinal))
            {
                unordered = true;
                if (noExtra == -1)
                {
                    noExtra = 0;
                }
                if (directive.Length > 9 && directive[9] == '=')
                {
                    chain = int.Parse(directive[10..], CultureInfo.InvariantCulture);
                }
            }
            else if (directive == "ordered")
            {
                unordered = false;
            }
            else if (directive == "extra")
            {
                noExtra = 0;
            }
            else if (directive == "noextra")
            {
                noExtra = 1;
            }
            else if (directive.StartsWith("ignore=", StringComparison.Ordinal))
            {
                ignores.Add(directive[7..]);
            }
            else if (directive.StartsWith("ban=", StringComparison.Ordinal))
            {
                bans.Add(directive[4..]);
            }
        }
        if (noExtra == -1)
        {
            noExtra = 1;
        }
        if (!unordered)
        {
            return MatchArgs(expected, m, args, 0, Match, prefix: false);
        }
        if (args.Count % chain != 0)
        {
            return 0;
        }
        var matched = new bool[args.Count];
        var ret = 0;
        for (; m < expected.Count; m += chain, ret++)
        {
            var found = false;
            for (var i = 0; i < args.Count; i += chain)
            {
                if (MatchArgs(expected, m, args, i, chain, prefix: false) == Match)
                {
                    matched[i] = true;
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return ret;
            }
        }
        var list = noExtra > 0 ? ignores : bans;
        if (noExtra > 0 || bans.Count > 0)
        {
            for (var i = 0; i < args.Count; i += chain)
            {
                if (matched[i] || !args[i].IsAString)
                {
                    continue;
                }
                var listed = list.Any(s => s.Equals(args[i].Text, StringComparison.OrdinalIgnoreCase));
                if (listed != (noExtra > 0))
                {
                    return ret;
                }
            }
        }
        return Match;
    }

    /// <summary>
    /// Expands <paramref name="pattern"/> against <paramref name="input"/>, binding unbound variables
    /// from the input; null when the two already differ.
    /// </summary>
    private string? ExpandInput(string pattern, string input, out bool ignoreCase)
    {
        ignoreCase = true;
        var output = new StringBuilder();
        int s = 0, p = 0;
        while (s < pattern.Length)
        {
            if (pattern[s] != '$' || At(pattern, s + 1) == '$')
            {
                if (pattern[s] == '$')
                {
                    s++;
                }
                if (char.ToUpperInvariant(pattern[s]) != char.ToUpperInvariant(At(input, p)))
                {
                    return null;
                }
                p++;
                output.Append(pattern[s++]);
                continue;
            }
            s++;
            string name;
            if (At(pattern, s) == '{')
            {
                var close = pattern.IndexOf('}', s + 1);
                if (close < 0)
                {
                    return "";
                }
                name = pattern[(s + 1)..close];
                s = close + 1;
            }
            else
            {
                var end = s;
                while (end < pattern.Length && IsVarChar(pattern[end]))
                {
                    end++;
                }
                name = pattern[s..end];
                s = end;
            }
            string? value;
            if (uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                value = RelativeSequence(seq);
            }
            else if (name.StartsWith("case:", StringComparison.Ordinal))
            {
                ignoreCase = false;
                value = name[5..];
            }
            else
            {
                value = name.Length == 0 ? null : Variables.GetValueOrDefault(name);
                if (value is null)
                {
                    var until = pattern[s..];
                    var untilIgnoreCase = true;
                    if (until.StartsWith('$'))
                    {
                        until = ExpandInput(until, p <= input.Length ? input[p..] : "", out untilIgnoreCase) ?? "";
                    }
                    var first = At(until, 0);
                    var q = p;
                    while (q < input.Length && (untilIgnoreCase ? char.ToUpperInvariant(input[q]) != char.ToUpperInvariant(first) : input[q] != first))
                    {
                        q++;
                    }
                    value = p < input.Length ? input[p..q] : "";
                    if (name.Length == 0)
                    {
                        // "$" ignores the value.
                    }
                    else if (CheckModseqOrder && name.StartsWith("modseq", StringComparison.Ordinal) && int.TryParse(name[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var modseqIndex))
                    {
                        value = CheckModseq(modseqIndex, value);
                        Variables[name] = value;
                    }
                    else
                    {
                        Variables[name] = value;
                        _added.Add(name);
                    }
                }
            }
            output.Append(value);
            foreach (var c in value)
            {
                if (At(input, p) != c)
                {
                    return null;
                }
                p++;
            }
        }
        return output.ToString();
    }

    private string CheckModseq(int index, string text)
    {
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return "$modseq-not-number";
        }
        if (_highestModseqIndex > index)
        {
            return "$modseq-order-mismatch";
        }
        var atLeast = _highestModseqValue + (ulong)(index - _highestModseqIndex);
        var result = text;
        if (value < atLeast)
        {
            result = "$modseq-at-least-" + atLeast.ToString(CultureInfo.InvariantCulture);
            value = atLeast;
        }
        _highestModseqIndex = index;
        _highestModseqValue = value;
        return result;
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static string CString(string s)
    {
        var nul = s.IndexOf('\0', StringComparison.Ordinal);
        return nul < 0 ? s : s[..nul];
    }

    private static bool IsVarChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}

/// <summary>A script step failed; the message says how, like imaptest's "*** Test … failed".</summary>
public sealed class ImapTestFailedException(string message) : Exception(message);
