using System.Text;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class FetchCommandTests(ImapHostFixture host)
{
    private async Task<ImapTestConnection> MailboxWithAsync(string mailbox, params string[] messages)
    {
        var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("c1 OK", (await c.CommandAsync($"c1 CREATE {mailbox}"))[^1], StringComparison.Ordinal);
        foreach (var m in messages)
        {
            await c.SendAsync(ImapTestMessages.AppendPlus("ap", mailbox, m));
            Assert.StartsWith("ap OK [APPENDUID ", (await c.ReadUntilTaggedAsync("ap"))[^1], StringComparison.Ordinal);
        }
        Assert.StartsWith("s1 OK [READ-WRITE]", (await c.CommandAsync($"s1 SELECT {mailbox}"))[^1], StringComparison.Ordinal);
        return c;
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Fetch_BodyPeek_ReturnsExactOctetsAndLeavesUnseen()
    {
        var message = ImapTestMessages.Simple();
        await using var c = await MailboxWithAsync(Unique("F"), message);
        var reply = await c.CommandAsync("f1 FETCH 1 (BODY.PEEK[])");
        Assert.Equal($"* 1 FETCH (BODY[] {{{message.Length}}}\r\n{message})", reply[0]);
        var flags = await c.CommandAsync("f2 FETCH 1 FLAGS");
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent))", flags[0]);
    }

    [Fact]
    public async Task Fetch_Body_SetsSeenAndReportsFlags()
    {
        var message = ImapTestMessages.Simple();
        await using var c = await MailboxWithAsync(Unique("F"), message);
        var reply = await c.CommandAsync("f1 FETCH 1 BODY[TEXT]");
        Assert.Equal("* 1 FETCH (BODY[TEXT] {26}\r\nHello world\r\nsecond line\r\n FLAGS (\\Recent \\Seen))", reply[0]);
        Assert.Equal("f1 OK FETCH completed", reply[^1]);
    }

    [Fact]
    public async Task Fetch_FastMacroAndUid_ReturnsAttributes()
    {
        var message = ImapTestMessages.Simple();
        await using var c = await MailboxWithAsync(Unique("F"), message);
        var reply = await c.CommandAsync("f1 UID FETCH 1:* FAST");
        Assert.Matches(@"^\* 1 FETCH \(UID 1 INTERNALDATE ""[ \d]\d-\w{3}-\d{4} \d\d:\d\d:\d\d [+-]\d{4}"" RFC822.SIZE " + message.Length + @" FLAGS \(\\Recent\)\)$", reply[0]);
    }

    [Fact]
    public async Task Fetch_Envelope_ParsesAddresses()
    {
        await using var c = await MailboxWithAsync(Unique("F"), ImapTestMessages.Simple("Hi there"));
        var reply = await c.CommandAsync("f1 FETCH 1 ENVELOPE");
        Assert.Equal("* 1 FETCH (ENVELOPE (\"Mon, 7 Feb 2022 10:00:00 +0000\" \"Hi there\" ((\"Alice\" NIL \"alice\" \"example.com\")) ((\"Alice\" NIL \"alice\" \"example.com\")) ((\"Alice\" NIL \"alice\" \"example.com\")) ((NIL NIL \"bob\" \"example.com\")) NIL NIL NIL \"<m1@example.com>\"))", reply[0]);
    }

    [Fact]
    public async Task Fetch_BodyStructureOfMultipart_DescribesEveryPart()
    {
        await using var c = await MailboxWithAsync(Unique("F"), ImapTestMessages.Multipart);
        var reply = await c.CommandAsync("f1 FETCH 1 BODYSTRUCTURE");
        Assert.StartsWith("* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL)(\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 49 (NIL \"inner\" ", reply[0], StringComparison.Ordinal);
        Assert.Contains("(\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 4 NIL (\"attachment\" (\"filename\" \"x.bin\")) NIL NIL) \"mixed\" (\"boundary\" \"BB\") NIL NIL NIL))", reply[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_Sections_ReturnOriginalOctets()
    {
        await using var c = await MailboxWithAsync(Unique("F"), ImapTestMessages.Multipart);
        var reply = await c.CommandAsync("f1 FETCH 1 (BODY.PEEK[1] BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT] BODY.PEEK[2.1] BODY.PEEK[3.MIME] BODY.PEEK[3] BODY.PEEK[4])");
        Assert.Equal(
            "* 1 FETCH (BODY[1] {10}\r\nfirst part BODY[2.HEADER] {39}\r\nSubject: inner\r\nFrom: c@example.com\r\n\r\n BODY[2.TEXT] {10}\r\ninner body BODY[2.1] {10}\r\ninner body " +
            "BODY[3.MIME] {128}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"x.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n BODY[3] {4}\r\nAAEC BODY[4] NIL)",
            reply[0]);
    }

    [Fact]
    public async Task Fetch_HeaderFieldsAndPartial_FilterAndSlice()
    {
        await using var c = await MailboxWithAsync(Unique("F"), ImapTestMessages.Simple("Sub"));
        var reply = await c.CommandAsync("f1 FETCH 1 (BODY.PEEK[HEADER.FIELDS (subject TO)] BODY.PEEK[HEADER.FIELDS.NOT (From To Date Message-ID)] BODY.PEEK[]<6.5>)");
        Assert.Equal("* 1 FETCH (BODY[HEADER.FIELDS (subject TO)] {37}\r\nTo: bob@example.com\r\nSubject: Sub\r\n\r\n BODY[HEADER.FIELDS.NOT (From To Date Message-ID)] {16}\r\nSubject: Sub\r\n\r\n BODY[]<6> {5}\r\nAlice)", reply[0]);
    }

    [Fact]
    public async Task Fetch_Rfc822Items_ReturnHeaderTextAndWhole()
    {
        var message = ImapTestMessages.Simple();
        await using var c = await MailboxWithAsync(Unique("F"), message);
        var reply = await c.CommandAsync("f1 FETCH 1 (RFC822.HEADER RFC822.SIZE)");
        var header = message[..(message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)];
        Assert.Equal($"* 1 FETCH (RFC822.HEADER {{{header.Length}}}\r\n{header} RFC822.SIZE {message.Length})", reply[0]);
        var whole = await c.CommandAsync("f2 FETCH 1 RFC822");
        Assert.Equal($"* 1 FETCH (RFC822 {{{message.Length}}}\r\n{message} FLAGS (\\Recent \\Seen))", whole[0]);
    }

    [Fact]
    public async Task Fetch_SequenceBeyondMailbox_ReturnsBad()
    {
        await using var c = await MailboxWithAsync(Unique("F"), ImapTestMessages.Simple());
        Assert.Equal("f1 BAD Invalid message sequence number", (await c.CommandAsync("f1 FETCH 5 FLAGS"))[^1]);
    }

    [Fact]
    public async Task Fetch_UnknownItem_ReturnsBad()
    {
        await using var c = await MailboxWithAsync(Unique("F"), ImapTestMessages.Simple());
        Assert.StartsWith("f1 BAD", (await c.CommandAsync("f1 FETCH 1 (FLAGS BOGUS)"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_WithoutSelectedMailbox_ReturnsBad()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal("f1 BAD No mailbox selected", (await c.CommandAsync("f1 FETCH 1 FLAGS"))[^1]);
    }

    [Fact]
    public async Task Fetch_8BitHeader_ComesBackAsLiteral()
    {
        var message = "From: a@example.com\r\nSubject: Gr\u00fc\u00dfe\r\n\r\nbody\r\n";
        await using var c = await MailboxWithAsync(Unique("F"), message);
        var reply = await c.CommandAsync("f1 FETCH 1 ENVELOPE");
        var subject = Encoding.UTF8.GetByteCount("Gr\u00fc\u00dfe");
        Assert.Contains($"{{{subject}}}\r\nGr\u00fc\u00dfe", reply[0], StringComparison.Ordinal);
    }
}
