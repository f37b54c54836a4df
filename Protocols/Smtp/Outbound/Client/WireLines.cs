namespace Mail.Protocols.Smtp.Outbound.Client;

/// <summary>Line ends for the wire (RFC 5321 §2.3.8: only CRLF ends a line).</summary>
internal static class WireLines
{
    /// <summary>
    /// <paramref name="message"/> with every bare LF and bare CR made CRLF and a CRLF at the end; the same array when it
    /// already is so.
    /// </summary>
    public static byte[] ToCrlf(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var clean = message.Length >= 2 && message[^2] == '\r' && message[^1] == '\n';
        for (var i = 0; clean && i < message.Length; i++)
        {
            clean = message[i] switch
            {
                (byte)'\r' => i + 1 < message.Length && message[i + 1] == '\n',
                (byte)'\n' => i > 0 && message[i - 1] == '\r',
                _ => true,
            };
        }
        if (clean)
        {
            return message;
        }
        using var output = new MemoryStream(message.Length + 64);
        for (var i = 0; i < message.Length; i++)
        {
            var b = message[i];
            if (b == '\r')
            {
                output.Write("\r\n"u8);
                if (i + 1 < message.Length && message[i + 1] == '\n')
                {
                    i++;
                }
            }
            else if (b == '\n')
            {
                output.Write("\r\n"u8);
            }
            else
            {
                output.WriteByte(b);
            }
        }
        if (output.Length < 2 || message.Length == 0 || message[^1] is not ((byte)'\n' or (byte)'\r'))
        {
            output.Write("\r\n"u8);
        }
        return output.ToArray();
    }
}
