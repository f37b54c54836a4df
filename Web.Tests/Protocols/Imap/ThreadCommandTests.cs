namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>THREAD and UID THREAD (RFC 5256 §4): REFERENCES and ORDEREDSUBJECT.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class ThreadCommandTests(ImapHostFixture host)
{
    private static string Message(string id, string subject, string date, string? inReplyTo = null, string? references = null) =>
        $"Message-ID: <{id}@example.com>\r\nSubject: {subject}\r\nDate: {date}\r\n"
        + (inReplyTo is null ? "" : $"In-Reply-To: <{inReplyTo}@example.com>\r\n")
        + (references is null ? "" : $"References: {references}\r\n")
        + "\r\nbody\r\n";

    [Fact]
    public async Task ThreadReferences_LinksRepliesAndGroupsBySubject()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Th"),
            Message("a", "topic", "Mon, 1 Jan 2024 10:00:00 +0000"),
            Message("b", "Re: topic", "Mon, 1 Jan 2024 11:00:00 +0000", inReplyTo: "a"),
            Message("c", "other", "Mon, 1 Jan 2024 09:00:00 +0000"),
            Message("d", "Re: topic", "Mon, 1 Jan 2024 12:00:00 +0000", references: "<a@example.com> <b@example.com>"),
            Message("e", "Re: other", "Mon, 1 Jan 2024 13:00:00 +0000"));
        Assert.Equal(["* THREAD (3 5)(1 2 4)", "t1 OK THREAD completed"], await c.CommandAsync("t1 THREAD REFERENCES UTF-8 ALL"));
        Assert.Equal(["* THREAD (3 5)(1 2 4)", "t2 OK UID THREAD completed"], await c.CommandAsync("t2 UID THREAD REFERENCES US-ASCII ALL"));
        Assert.Equal(["* THREAD (1 (2)(4))", "t3 OK THREAD completed"], await c.CommandAsync("t3 THREAD ORDEREDSUBJECT UTF-8 SUBJECT topic"));
    }

    [Fact]
    public async Task Thread_UnknownAlgorithmOrCharset_IsRejected()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Th"), ImapTestMessages.Simple());
        Assert.StartsWith("t1 BAD", (await c.CommandAsync("t1 THREAD BOGUS UTF-8 ALL"))[^1], StringComparison.Ordinal);
        Assert.Equal(["t2 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"], await c.CommandAsync("t2 THREAD REFERENCES KOI8-R ALL"));
        Assert.Equal(["* THREAD", "t3 OK THREAD completed"], await c.CommandAsync("t3 THREAD REFERENCES UTF-8 DELETED"));
    }
}
