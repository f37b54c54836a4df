using System.Text.RegularExpressions;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>OBJECTID (RFC 8474): MAILBOXID stable across RENAME, EMAILID shared by copies, THREADID NIL, SEARCH EMAILID.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class ObjectIdTests(ImapHostFixture host)
{
    [Fact]
    public async Task MailboxId_SurvivesRename_AndMatchesSelectAndStatus()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        var box = ImapTranscript.Unique("Oid");
        var created = Regex.Match((await c.CommandAsync($"c CREATE {box}"))[^1], @"MAILBOXID \((F\d+)\)").Groups[1].Value;
        Assert.NotEmpty(created);
        Assert.Equal(["r OK RENAME completed"], await c.CommandAsync($"r RENAME {box} {box}2"));
        Assert.Equal($"* STATUS \"{box}2\" (MAILBOXID ({created}))", (await c.CommandAsync($"s STATUS {box}2 (MAILBOXID)"))[0]);
        Assert.Contains($"* OK [MAILBOXID ({created})] Ok", await c.CommandAsync($"x SELECT {box}2"));
    }

    [Fact]
    public async Task EmailId_IsSharedByCopies_AndSearchable()
    {
        var box = ImapTranscript.Unique("Oid");
        await using var c = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple());
        var fetched = (await c.CommandAsync("f FETCH 1 (EMAILID THREADID)"))[0];
        var match = Regex.Match(fetched, @"^\* 1 FETCH \(EMAILID \((M[0-9a-f]+)\) THREADID NIL\)$");
        Assert.True(match.Success, fetched);
        var emailId = match.Groups[1].Value;
        await c.CommandAsync($"cp COPY 1 {box}");
        await c.CommandAsync("n NOOP");
        Assert.Equal(["* SEARCH 1 2", "s OK SEARCH completed"], await c.CommandAsync($"s SEARCH EMAILID {emailId}"));
        Assert.Equal(["* SEARCH", "t OK SEARCH completed"], await c.CommandAsync("t SEARCH THREADID T1"));
    }
}
