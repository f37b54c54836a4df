using System.Globalization;
using System.Text;

namespace Mail.Protocols.Filtering.Spamd;

/// <summary>
/// A parsed spamd reply: <c>SPAMD/1.x CODE MESSAGE</c> CRLF, header lines (<c>Spam: True ; 7.2 / 5.0</c>,
/// <c>Content-length: N</c>), an empty line and the body (SYMBOLS: rule names; REPORT: report text).
/// </summary>
/// <param name="Code">spamd's exit code, 0 (<c>EX_OK</c>) on success; others are sysexits codes (76 <c>EX_PROTOCOL</c>, ...).</param>
/// <param name="Message">The text after the code (<c>EX_OK</c>).</param>
/// <param name="IsSpam">The <c>Spam:</c> header's flag, null when absent.</param>
/// <param name="Score">Score, null when absent.</param>
/// <param name="Threshold">spamd's required score, null when absent.</param>
/// <param name="Body">The body as text (Latin-1), empty when none.</param>
public sealed record SpamdReply(int Code, string Message, bool? IsSpam, double? Score, double? Threshold, string Body)
{
    /// <summary>
    /// The <c>DidSet:</c> header of a TELL reply (<c>local</c> and/or <c>remote</c>): the databases spamd changed;
    /// null when absent (nothing changed, e.g. the message was already learned as that class).
    /// </summary>
    public string? DidSet { get; init; }

    /// <summary>The <c>DidRemove:</c> header of a TELL reply (forget/revoke), null when absent.</summary>
    public string? DidRemove { get; init; }

    /// <summary>The rule names of a SYMBOLS reply.</summary>
    public IReadOnlyList<string> Symbols =>
        Body.Split([',', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Parses a complete reply (the connection was read to its end).</summary>
    /// <returns>The reply, or null with <paramref name="error"/> set when it is not a SPAMD reply.</returns>
    public static SpamdReply? Parse(ReadOnlySpan<byte> reply, out string? error)
    {
        error = null;
        var lineEnd = reply.IndexOf("\r\n"u8);
        if (lineEnd < 0 || !reply.StartsWith("SPAMD/"u8))
        {
            error = "not a SPAMD reply";
            return null;
        }
        // SPAMD/1.1 0 EX_OK
        var status = reply[..lineEnd];
        var firstSpace = status.IndexOf((byte)' ');
        if (firstSpace < 0)
        {
            error = "malformed status line";
            return null;
        }
        var rest = status[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf((byte)' ');
        var codeBytes = secondSpace < 0 ? rest : rest[..secondSpace];
        if (!int.TryParse(codeBytes, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            error = "malformed status code";
            return null;
        }
        var message = secondSpace < 0 ? "" : Encoding.ASCII.GetString(rest[(secondSpace + 1)..]);

        bool? isSpam = null;
        string? didSet = null;
        string? didRemove = null;
        double? score = null;
        double? threshold = null;
        var position = lineEnd + 2;
        while (position < reply.Length)
        {
            var remaining = reply[position..];
            var end = remaining.IndexOf("\r\n"u8);
            if (end < 0)
            {
                // A header line without CRLF at the very end (a reply with no body).
                end = remaining.Length;
            }
            var line = remaining[..end];
            position += Math.Min(end + 2, remaining.Length);
            if (line.IsEmpty)
            {
                break;
            }
            if (HasName(line, "Spam:"u8))
            {
                if (!TryParseSpam(line[5..], out var flag, out var s, out var t))
                {
                    error = "malformed Spam header";
                    return null;
                }
                (isSpam, score, threshold) = (flag, s, t);
            }
            else if (HasName(line, "DidSet:"u8))
            {
                didSet = Encoding.ASCII.GetString(line[7..].Trim((byte)' '));
            }
            else if (HasName(line, "DidRemove:"u8))
            {
                didRemove = Encoding.ASCII.GetString(line[10..].Trim((byte)' '));
            }
        }
        var body = position < reply.Length ? Encoding.Latin1.GetString(reply[position..]) : "";
        return new SpamdReply(code, message, isSpam, score, threshold, body) { DidSet = didSet, DidRemove = didRemove };
    }

    private static bool HasName(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name) =>
        line.Length >= name.Length && Ascii.EqualsIgnoreCase(line[..name.Length], name);

    // " True ; 1000.0 / 5.0"
    private static bool TryParseSpam(ReadOnlySpan<byte> value, out bool flag, out double score, out double threshold)
    {
        flag = false;
        score = 0;
        threshold = 0;
        var semicolon = value.IndexOf((byte)';');
        var slash = value.IndexOf((byte)'/');
        if (semicolon < 0 || slash < semicolon)
        {
            return false;
        }
        var flagText = value[..semicolon].Trim((byte)' ');
        if (Ascii.EqualsIgnoreCase(flagText, "True"u8) || Ascii.EqualsIgnoreCase(flagText, "Yes"u8))
        {
            flag = true;
        }
        else if (!Ascii.EqualsIgnoreCase(flagText, "False"u8) && !Ascii.EqualsIgnoreCase(flagText, "No"u8))
        {
            return false;
        }
        return double.TryParse(value[(semicolon + 1)..slash].Trim((byte)' '), NumberStyles.Float, CultureInfo.InvariantCulture, out score)
            && double.TryParse(value[(slash + 1)..].Trim((byte)' '), NumberStyles.Float, CultureInfo.InvariantCulture, out threshold);
    }
}
