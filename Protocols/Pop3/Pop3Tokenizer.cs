using System.Text;

namespace Mail.Protocols.Pop3;

/// <summary>A parsed command line (RFC 1939 §3): keyword and space-separated arguments.</summary>
/// <param name="Verb">Keyword, upper-cased ASCII; empty when the line has no valid keyword.</param>
/// <param name="Arguments">Arguments decoded as UTF-8.</param>
/// <param name="Rest">Everything after the first space (PASS takes spaces as part of the password, RFC 1939 §7).</param>
internal sealed record Pop3Request(string Verb, IReadOnlyList<string> Arguments, string Rest);

/// <summary>Lines (<see cref="Hosting.CommandLineReader"/>) → <see cref="Pop3Request"/>. Lines end with CRLF (a bare LF is tolerated in commands).</summary>
internal static class Pop3Tokenizer
{
    /// <summary>Splits a command line into keyword and arguments.</summary>
    public static Pop3Request Parse(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        var keyword = space < 0 ? line : line[..space];
        var verb = keyword.Length is >= 3 and <= 8 && IsKeyword(keyword) ? Encoding.ASCII.GetString(keyword).ToUpperInvariant() : "";
        if (space < 0)
        {
            return new Pop3Request(verb, [], "");
        }
        var rest = line[(space + 1)..];
        var arguments = new List<string>();
        foreach (var range in rest.Split((byte)' '))
        {
            if (range.End.GetOffset(rest.Length) > range.Start.GetOffset(rest.Length))
            {
                arguments.Add(Encoding.UTF8.GetString(rest[range]));
            }
        }
        return new Pop3Request(verb, arguments, Encoding.UTF8.GetString(rest));
    }

    /// <summary>A letter, then letters or digits (<c>UTF8</c>, RFC 6856).</summary>
    private static bool IsKeyword(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var letter = b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z');
            if (!letter && (i == 0 || b is < (byte)'0' or > (byte)'9'))
            {
                return false;
            }
        }
        return true;
    }
}
