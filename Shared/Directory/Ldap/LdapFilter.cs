using System.Text;

namespace Mail.Shared.Directory.Ldap;

/// <summary>Builds LDAP search filters (RFC 4515) from untrusted values.</summary>
public static class LdapFilter
{
    /// <summary>
    /// Escapes an assertion value (RFC 4515 §3): <c>*</c> → <c>\2a</c>, <c>(</c> → <c>\28</c>,
    /// <c>)</c> → <c>\29</c>, <c>\</c> → <c>\5c</c>, NUL → <c>\00</c>. Every value put into a filter goes
    /// through here, so an address can never widen a search (<c>*</c> stays a literal star).
    /// </summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny("*()\\\0") < 0)
        {
            return value;
        }
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '*' => text.Append("\\2a"),
                '(' => text.Append("\\28"),
                ')' => text.Append("\\29"),
                '\\' => text.Append("\\5c"),
                '\0' => text.Append("\\00"),
                _ => text.Append(c),
            };
        }
        return text.ToString();
    }

    /// <summary><c>(attribute=escaped value)</c>.</summary>
    public static string Equal(string attribute, string value) => "(" + attribute + "=" + Escape(value) + ")";
}

/// <summary>Builds distinguished names (RFC 4514) from untrusted values.</summary>
public static class LdapDn
{
    /// <summary>
    /// Escapes an RDN attribute value (RFC 4514 §2.4): <c>" + , ; &lt; &gt; \</c> and NUL always, <c>#</c> or a
    /// space at the start and a space at the end.
    /// </summary>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                text.Append("\\00");
            }
            else if (c is '"' or '+' or ',' or ';' or '<' or '>' or '\\' or '='
                || (i == 0 && c is '#' or ' ')
                || (i == value.Length - 1 && c == ' '))
            {
                text.Append('\\').Append(c);
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    /// <summary><c>attribute=escaped value,parent</c>.</summary>
    public static string Child(string attribute, string value, string parent) => attribute + "=" + EscapeValue(value) + "," + parent;
}
