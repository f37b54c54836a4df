using System.Text;
using Mail.Protocols.Imap.Mime;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>BINARY (RFC 3516): FETCH BINARY/BINARY.PEEK/BINARY.SIZE with transfer encodings undone, literal8, UNKNOWN-CTE.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class BinaryFetchTests(ImapHostFixture host)
{
    private const string Multipart =
        "Subject: bin\r\nMime-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECaGk=\r\n"
        + "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =\r\nau lait  \r\n"
        + "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n???\r\n--b--\r\n";

    [Fact]
    public void QuotedPrintable_RemovesPaddingAndSoftBreaks() =>
        Assert.Equal("hello\r\nfoo\t bar\r\nx=y", Encoding.ASCII.GetString(ImapQuotedPrintable.Decode("hello  \r\nfoo\t =  \r\nbar\r\nx=3Dy"u8)));

    [Fact]
    public async Task FetchBinary_DecodesBase64AndQuotedPrintable_WithLiteral8ForNul()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Bi"), Multipart);
        var reply = await c.CommandAsync("f1 FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])");
        Assert.Equal("* 1 FETCH (BINARY.SIZE[1] 5 BINARY[1] ~{5}\r\n\0\u0001\u0002hi)", reply[0]);
        Assert.Equal(["* 1 FETCH (BINARY[2]<0> {3}\r\ncaf)", "f2 OK FETCH completed"], await c.CommandAsync("f2 FETCH 1 (BINARY.PEEK[2]<0.3>)"));
        Assert.Equal("* 1 FETCH (BINARY.SIZE[2] 13)", (await c.CommandAsync("f3 FETCH 1 BINARY.SIZE[2]"))[0]);
        Assert.Equal("* 1 FETCH (BINARY[2] {13}\r\ncafé au lait)", (await c.CommandAsync("f4 FETCH 1 BINARY.PEEK[2]"))[0]);
    }

    [Fact]
    public async Task FetchBinary_UnknownTransferEncoding_IsNoUnknownCte()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Bi"), Multipart);
        Assert.Equal("f1 NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding", (await c.CommandAsync("f1 FETCH 1 BINARY.PEEK[3]"))[^1]);
        Assert.StartsWith("f2 BAD", (await c.CommandAsync("f2 FETCH 1 BINARY[1.TEXT]"))[^1], StringComparison.Ordinal);
    }
}
