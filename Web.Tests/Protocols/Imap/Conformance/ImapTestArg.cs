using System.Text;

namespace Mail.Web.Tests.Protocols.Imap.Conformance;

/// <summary>The kinds of IMAP argument the imaptest matcher distinguishes.</summary>
public enum ImapTestArgKind
{
    Atom,
    String,
    Literal,
    Nil,
    List,
}

/// <summary>
/// One IMAP argument of a server response or of an expected line in an imaptest script. Text is
/// Latin-1 (one char per octet) so 8-bit and binary data survive unchanged.
/// </summary>
public sealed class ImapTestArg
{
    private ImapTestArg(ImapTestArgKind kind, string text, List<ImapTestArg>? items)
    {
        Kind = kind;
        Text = text;
        Items = items;
    }

    public ImapTestArgKind Kind { get; }

    /// <summary>The atom, string or literal content (empty for NIL and lists).</summary>
    public string Text { get; }

    /// <summary>The elements of a list (null otherwise).</summary>
    public List<ImapTestArg>? Items { get; }

    /// <summary>Atom, string or literal (what dovecot calls an astring).</summary>
    public bool IsAString => Kind is ImapTestArgKind.Atom or ImapTestArgKind.String or ImapTestArgKind.Literal;

    public static ImapTestArg Atom(string text) => new(ImapTestArgKind.Atom, text, null);

    public static ImapTestArg List(List<ImapTestArg> items) => new(ImapTestArgKind.List, "", items);

    private static ImapTestArg Of(ImapTestArgKind kind, string text) => new(kind, text, null);

    /// <summary>
    /// Parses a line (literals inline as <c>{n}\r\n</c> or <c>~{n}\r\n</c> followed by n octets).
    /// Lenient: an unbalanced parenthesis or quote never fails, so human-readable response text
    /// parses too. An atom containing <c>[</c> runs to the matching <c>]</c>, spaces and
    /// parentheses included (<c>BODY[HEADER.FIELDS (FROM)]</c> is one atom).
    /// </summary>
    public static List<ImapTestArg> Parse(string line)
    {
        var position = 0;
        return ParseList(line, ref position, nested: false);
    }

    private static List<ImapTestArg> ParseList(string s, ref int i, bool nested)
    {
        var items = new List<ImapTestArg>();
        while (i < s.Length)
        {
            var c = s[i];
            if (c == ' ')
            {
                i++;
                continue;
            }
            if (c == '(')
            {
                i++;
                items.Add(List(ParseList(s, ref i, nested: true)));
                continue;
            }
            if (c == ')' && nested)
            {
                i++;
                return items;
            }
            if (c == '"')
            {
                items.Add(ParseQuoted(s, ref i));
                continue;
            }
            if (TryParseLiteral(s, ref i, out var literal))
            {
                items.Add(literal);
                continue;
            }
            items.Add(ParseAtom(s, ref i, nested));
        }
        return items;
    }

    private static ImapTestArg ParseQuoted(string s, ref int i)
    {
        var sb = new StringBuilder();
        i++;
        while (i < s.Length && s[i] != '"')
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
            }
            sb.Append(s[i++]);
        }
        i++;
        return Of(ImapTestArgKind.String, sb.ToString());
    }

    private static bool TryParseLiteral(string s, ref int i, out ImapTestArg literal)
    {
        literal = null!;
        var start = i;
        if (s[start] == '~' && start + 1 < s.Length && s[start + 1] == '{')
        {
            start++;
        }
        if (s[start] != '{')
        {
            return false;
        }
        var close = s.IndexOf('}', start);
        if (close < 0 || !s.AsSpan(close + 1).StartsWith("\r\n"))
        {
            return false;
        }
        var digits = s.AsSpan(start + 1, close - start - 1).TrimEnd('+');
        if (!int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
        {
            return false;
        }
        var dataStart = close + 3;
        length = Math.Min(length, s.Length - dataStart);
        literal = Of(ImapTestArgKind.Literal, s.Substring(dataStart, length));
        i = dataStart + length;
        return true;
    }

    private static ImapTestArg ParseAtom(string s, ref int i, bool nested)
    {
        var start = i;
        var brackets = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '[')
            {
                brackets++;
            }
            else if (c == ']' && brackets > 0)
            {
                brackets--;
            }
            else if (brackets == 0 && (c == ' ' || c == '(' || (c == ')' && nested) || c == '\r' || c == '\n'))
            {
                break;
            }
            i++;
        }
        if (i == start)
        {
            // A stray character that cannot start anything else (e.g. a lone ')'): keep it as an atom.
            i++;
        }
        var text = s[start..i];
        return text.Equals("NIL", StringComparison.OrdinalIgnoreCase) ? Of(ImapTestArgKind.Nil, text) : Atom(text);
    }

    /// <summary>IMAP-like rendering for failure messages.</summary>
    public override string ToString() => Kind switch
    {
        ImapTestArgKind.Atom => Text,
        ImapTestArgKind.Nil => "NIL",
        ImapTestArgKind.String => "\"" + Text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        ImapTestArgKind.Literal => "{" + Text.Length + "}" + Escape(Text),
        ImapTestArgKind.List => "(" + Join(Items!) + ")",
        _ => Text,
    };

    /// <summary>Text with CR, LF and other control or 8-bit octets as escapes, for readable failure messages.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                < ' ' or > '~' => "\\x" + ((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>Renders a sequence of arguments separated by spaces.</summary>
    public static string Join(IEnumerable<ImapTestArg> args) => string.Join(' ', args.Select(a => a.ToString()));
}
