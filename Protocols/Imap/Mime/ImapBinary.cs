using System.Text;
using Mail.Protocols.Imap.Commands;
using Mail.Protocols.Imap.Protocol;
using MimeKit.Encodings;

namespace Mail.Protocols.Imap.Mime;

/// <summary>
/// FETCH BINARY (RFC 3516 §4.2): a part's content with its Content-Transfer-Encoding undone
/// (base64, quoted-printable; 7bit, 8bit and binary unchanged), sent as literal8 when it holds NUL.
/// </summary>
public static class ImapBinary
{
    /// <summary>Writes the BINARY or BINARY.SIZE item; false when the part's transfer encoding is unknown (NIL written, RFC 3516 UNKNOWN-CTE).</summary>
    internal static bool Write(ImapResponseWriter o, FetchItem item, ReadOnlyMemory<byte> content, ImapMessageStructure structure)
    {
        var section = item.Section!;
        var data = Decode(section, content, structure, out var known);
        if (item.Kind == FetchItemKind.BinarySize)
        {
            o.Raw("BINARY.SIZE["u8).Ascii(section.Label).Raw("] "u8).Number(data?.Length ?? 0);
            return known;
        }
        o.Raw("BINARY["u8).Ascii(section.Label).Raw("]"u8);
        if (item.PartialStart is { } start)
        {
            o.Raw("<"u8).Number(start).Raw(">"u8);
            if (data is { } d)
            {
                var from = (int)Math.Min(start, d.Length);
                data = d.AsSpan(from, (int)Math.Min(item.PartialLength, d.Length - from)).ToArray();
            }
        }
        o.Space();
        if (data is null)
        {
            o.Nil();
        }
        else if (data.AsSpan().IndexOf((byte)0) >= 0)
        {
            o.Raw("~"u8).Literal(data);
        }
        else
        {
            o.Literal(data);
        }
        return known;
    }

    /// <summary>The decoded octets of the section (null when the part does not exist or the encoding is unknown).</summary>
    public static byte[]? Decode(ImapSection section, ReadOnlyMemory<byte> content, ImapMessageStructure structure, out bool known)
    {
        known = true;
        if (section.Extract(structure, content) is not { } raw)
        {
            return null;
        }
        var header = section.Part.Length == 0
            ? new ImapSection([], ImapSectionText.Header, []).Extract(structure, content)
            : new ImapSection(section.Part, ImapSectionText.Mime, []).Extract(structure, content);
        var encoding = header is { } h ? TransferEncoding(h.Span) : "";
        if (encoding == "quoted-printable")
        {
            return ImapQuotedPrintable.Decode(raw.Span);
        }
        if (encoding != "base64")
        {
            known = encoding is "" or "7bit" or "8bit" or "binary";
            return known ? raw.ToArray() : null;
        }
        var decoder = new Base64Decoder();
        var input = raw.ToArray();
        var output = new byte[decoder.EstimateOutputLength(input.Length)];
        var n = decoder.Decode(input, 0, input.Length, output);
        return output.AsSpan(0, n).ToArray();
    }

    /// <summary>
    /// BODY[part] of a part stored with <c>Content-Transfer-Encoding: binary</c> that holds NUL octets
    /// cannot travel in an IMAP4 literal as is; it is returned base64-encoded (RFC 3516 §4.3 leaves the
    /// 7-bit conversion to the server). Other sections come back unchanged.
    /// </summary>
    public static ReadOnlyMemory<byte> ForBody(ImapSection section, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> content, ImapMessageStructure structure)
    {
        if (section.Part.Length == 0 || section.Text != ImapSectionText.None || data.Span.IndexOf((byte)0) < 0
            || new ImapSection(section.Part, ImapSectionText.Mime, []).Extract(structure, content) is not { } header
            || TransferEncoding(header.Span) != "binary")
        {
            return data;
        }
        return Encoding.ASCII.GetBytes(Convert.ToBase64String(data.Span, Base64FormattingOptions.InsertLineBreaks) + "\r\n");
    }

    /// <summary>The Content-Transfer-Encoding value of a header block, lower case, "" when absent.</summary>
    private static string TransferEncoding(ReadOnlySpan<byte> header)
    {
        var fields = ImapSection.FilterHeader(header, ["Content-Transfer-Encoding"], exclude: false);
        var text = Encoding.Latin1.GetString(fields);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return "";
        }
        var value = text[(colon + 1)..].Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();
        var space = value.IndexOfAny([' ', '\t', ';', '(']);
        return (space < 0 ? value : value[..space]).ToLowerInvariant();
    }
}

/// <summary>
/// Quoted-printable decoding by RFC 2045 §6.7: trailing whitespace of each encoded line is transport
/// padding and removed, <c>=</c> at a line end is a soft line break, <c>=XX</c> an octet; a malformed
/// <c>=</c> is kept as is.
/// </summary>
public static class ImapQuotedPrintable
{
    public static byte[] Decode(ReadOnlySpan<byte> input)
    {
        var output = new List<byte>(input.Length);
        var pos = 0;
        while (pos < input.Length)
        {
            var lf = input[pos..].IndexOf((byte)'\n');
            var hasBreak = lf >= 0;
            var line = hasBreak ? input.Slice(pos, lf) : input[pos..];
            pos = hasBreak ? pos + lf + 1 : input.Length;
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            line = line.TrimEnd(" \t"u8);
            var soft = line.Length > 0 && line[^1] == (byte)'=';
            if (soft)
            {
                line = line[..^1];
            }
            for (var i = 0; i < line.Length; i++)
            {
                if (line[i] == (byte)'=' && i + 2 < line.Length && IsHex(line[i + 1]) && IsHex(line[i + 2]))
                {
                    output.Add((byte)((Hex(line[i + 1]) << 4) | Hex(line[i + 2])));
                    i += 2;
                    continue;
                }
                output.Add(line[i]);
            }
            if (hasBreak && !soft)
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
            }
        }
        return [.. output];
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F' or >= (byte)'a' and <= (byte)'f';

    private static int Hex(byte b) => b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
