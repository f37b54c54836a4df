using System.IO.Compression;
using System.Text;
using Mail.Protocols.Filtering;

namespace Mail.Web.Tests.Protocols.Filtering;

/// <summary>Test messages for the filters, and the conversion of stored files to SMTP DATA octets.</summary>
internal static class FilterTestMessages
{
    /// <summary>The 68-octet EICAR test string.</summary>
    public const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    /// <summary>SpamAssassin's GTUBE string.</summary>
    public const string Gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    /// <summary>A well-formed plain message (From, To, Date, Message-ID) with <paramref name="body"/>.</summary>
    public static string Plain(string body, string subject = "Lunch on Friday") =>
        "From: Bob Sender <bob@remote.example>\r\n" +
        "To: Alice <alice@example.com>\r\n" +
        $"Subject: {subject}\r\n" +
        "Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n" +
        $"Message-ID: <{Guid.NewGuid():N}@remote.example>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=us-ascii\r\n" +
        "\r\n" +
        body + "\r\n";

    /// <summary>A multipart message with <paramref name="attachment"/> as a base64 part named <paramref name="fileName"/>.</summary>
    public static string WithAttachment(byte[] attachment, string fileName, string contentType)
    {
        var base64 = Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks);
        return "From: Bob Sender <bob@remote.example>\r\n" +
            "To: Alice <alice@example.com>\r\n" +
            "Subject: The file you asked for\r\n" +
            "Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n" +
            $"Message-ID: <{Guid.NewGuid():N}@remote.example>\r\n" +
            "MIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
            "\r\n" +
            "--b1\r\n" +
            "Content-Type: text/plain; charset=us-ascii\r\n" +
            "\r\n" +
            "Here it is.\r\n" +
            "--b1\r\n" +
            $"Content-Type: {contentType}; name=\"{fileName}\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n" +
            $"Content-Disposition: attachment; filename=\"{fileName}\"\r\n" +
            "\r\n" +
            base64 + "\r\n" +
            "--b1--\r\n";
    }

    /// <summary>A zip archive holding <c>eicar.com</c> (deflated, so the string is not visible in the archive octets).</summary>
    public static byte[] EicarZip()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry("eicar.com", CompressionLevel.Optimal);
            using var stream = entry.Open();
            stream.Write(Encoding.ASCII.GetBytes(Eicar));
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// SMTP DATA octets for a stored message: line ends normalized to CRLF (bare LF and bare CR as
    /// found in corpus files), leading dots doubled, CRLF.CRLF appended.
    /// </summary>
    public static byte[] ToWire(byte[] message)
    {
        var output = new MemoryStream(message.Length + 1024);
        var lineStart = true;
        for (var i = 0; i < message.Length; i++)
        {
            var b = message[i];
            if (b == '\r' || b == '\n')
            {
                if (b == '\r' && i + 1 < message.Length && message[i + 1] == '\n')
                {
                    i++;
                }
                output.Write("\r\n"u8);
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.')
            {
                output.WriteByte((byte)'.');
            }
            output.WriteByte(b);
            lineStart = false;
        }
        if (!lineStart)
        {
            output.Write("\r\n"u8);
        }
        output.Write(".\r\n"u8);
        return output.ToArray();
    }

    public static byte[] ToWire(string message) => ToWire(Encoding.UTF8.GetBytes(message));

    /// <summary>A <see cref="ScanMessage"/> over <paramref name="message"/>.</summary>
    public static ScanMessage Scan(string message) => new(new System.Buffers.ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(message)));

    public static ScanMessage Scan(byte[] message) => new(new System.Buffers.ReadOnlySequence<byte>(message));

    /// <summary>The header section (up to the first empty line) of a stored message as text.</summary>
    public static string HeaderOf(byte[] stored)
    {
        var text = Encoding.Latin1.GetString(stored);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return end < 0 ? text : text[..(end + 2)];
    }
}
