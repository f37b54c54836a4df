using System.Text;

namespace Mail.Protocols.Lmtp;

/// <summary>A command line (RFC 5321 §4.1.1): keyword, upper-cased ASCII (empty when invalid), and the text after the first space.</summary>
internal sealed record LmtpRequest(string Verb, string Argument);

/// <summary>An envelope path with its ESMTP parameters (RFC 5321 §4.1.2): <c>FROM:&lt;a@b&gt; SIZE=10 BODY=8BITMIME</c>.</summary>
/// <param name="Address">The mailbox without brackets and source route; empty for the null path <c>&lt;&gt;</c>.</param>
/// <param name="Parameters">keyword (upper-case) → value (null when the parameter has none).</param>
internal sealed record LmtpPath(string Address, IReadOnlyDictionary<string, string?> Parameters);

/// <summary>Lines (<see cref="Hosting.CommandLineReader"/>) → <see cref="LmtpRequest"/>, and MAIL/RCPT argument parsing. Command lines end with CRLF (a bare LF is tolerated).</summary>
internal static class LmtpTokenizer
{
    /// <summary>Splits a command line into keyword and argument (decoded as UTF-8, RFC 6531).</summary>
    public static LmtpRequest Parse(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        var keyword = space < 0 ? line : line[..space];
        var verb = keyword.Length is >= 4 and <= 8 && Ascii.IsValid(keyword) && IsLetters(keyword) ? Encoding.ASCII.GetString(keyword).ToUpperInvariant() : "";
        return new LmtpRequest(verb, space < 0 ? "" : Encoding.UTF8.GetString(line[(space + 1)..]).Trim(' '));
    }

    /// <summary>
    /// Parses <c>FROM:&lt;path&gt; params</c> / <c>TO:&lt;path&gt; params</c> (RFC 5321 §4.1.1.2-3, §4.1.2);
    /// a space after the colon is tolerated, a source route is dropped.
    /// </summary>
    /// <param name="argument">The command argument.</param>
    /// <param name="prefix"><c>FROM:</c> or <c>TO:</c>.</param>
    /// <returns>The path, or null when the syntax is wrong (<c>501 5.5.4</c>).</returns>
    public static LmtpPath? ParsePath(string argument, string prefix)
    {
        if (!argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var rest = argument[prefix.Length..].TrimStart(' ');
        if (!rest.StartsWith('<'))
        {
            return null;
        }
        var close = rest.IndexOf('>', StringComparison.Ordinal);
        if (close < 0)
        {
            return null;
        }
        var address = rest[1..close];
        var route = address.IndexOf(':', StringComparison.Ordinal);
        if (address.StartsWith('@') && route > 0)
        {
            address = address[(route + 1)..];
        }
        if (address.Length > 0 && (address.IndexOf('@', StringComparison.Ordinal) <= 0 || address.EndsWith('@') || address.Any(c => c is ' ' or '<' or '>' || char.IsControl(c))))
        {
            return null;
        }
        var parameters = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in rest[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? token : token[..equals];
            if (key.Length == 0 || !key.All(char.IsAsciiLetterOrDigit) || !parameters.TryAdd(key.ToUpperInvariant(), equals < 0 ? null : token[(equals + 1)..]))
            {
                return null;
            }
        }
        return new LmtpPath(address, parameters);
    }

    private static bool IsLetters(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (!char.IsAsciiLetter((char)b))
            {
                return false;
            }
        }
        return true;
    }
}
