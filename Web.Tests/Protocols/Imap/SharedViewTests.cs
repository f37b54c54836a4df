using Mail.Protocols.Imap.Session;
using Mail.Protocols.Imap.Session.Views;
using Mail.Protocols.Store;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>
/// The shared per-mailbox view: sessions on one node that select the same mailbox share one snapshot, advanced by the
/// changes (not reloaded), and every multi-session rule still holds (RFC 9051 §7.5.1 expunges only when allowed,
/// RFC 3501 §2.3.2 \Recent in exactly one session, RFC 7162 MODSEQ and VANISHED).
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class SharedViewTests(ImapHostFixture host)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private async Task<ImapSharedMailbox?> FindViewAsync(string mailbox)
    {
        var store = await host.Services.GetRequiredService<IMailStore>().OpenAccountAsync(MailHostFixture.Alice, CancellationToken.None);
        var info = await store.GetMailboxAsync(mailbox, CancellationToken.None);
        Assert.NotNull(info);
        return host.Services.GetRequiredService<ImapServerContext>().Views.Find(store, info.Id);
    }

    private async Task<ImapTestConnection> SelectAsync(string mailbox, string command = "SELECT")
    {
        var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("s OK", (await c.CommandAsync($"s {command} {mailbox}"))[^1], StringComparison.Ordinal);
        return c;
    }

    [Fact]
    public async Task TwoSessions_ShareOneView_AndSeeEachOthersFlagsWithModSeq()
    {
        var box = ImapTranscript.Unique("View");
        await using var a = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple("1"), ImapTestMessages.Simple("2"), ImapTestMessages.Simple("3"));
        await using var b = await SelectAsync(box);
        var view = await FindViewAsync(box);
        Assert.NotNull(view);
        Assert.Equal(1, view.Loads);

        Assert.Equal(["e OK ENABLE completed"], (await a.CommandAsync("e ENABLE CONDSTORE")).Where(l => l.StartsWith("e ", StringComparison.Ordinal)));
        var stored = await b.CommandAsync("b1 STORE 2 +FLAGS (\\Flagged)");
        Assert.Equal("* 2 FETCH (FLAGS (\\Flagged))", stored[0]);
        var noop = await a.CommandAsync("n1 NOOP");
        var fetch = Assert.Single(noop, l => l.Contains("FETCH", StringComparison.Ordinal));
        Assert.Matches(@"^\* 2 FETCH \(UID 2 MODSEQ \(\d+\) FLAGS \(\\Recent \\Flagged\)\)$", fetch);
        // B made the change itself and already saw it: no second FETCH.
        Assert.Equal(["n2 OK NOOP completed"], await b.CommandAsync("n2 NOOP"));

        // A third session's SELECT takes the shared view as advanced by the change: no reload, same HIGHESTMODSEQ.
        var modseq = System.Text.RegularExpressions.Regex.Match(fetch, @"MODSEQ \((\d+)\)").Groups[1].Value;
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        var selected = await c.CommandAsync($"s SELECT {box} (CONDSTORE)");
        Assert.Contains($"* OK [HIGHESTMODSEQ {modseq}] Highest", selected);
        Assert.Contains("* 3 EXISTS", selected);
        Assert.Contains("FLAGS (\\Flagged)", (await c.CommandAsync("f FETCH 2 FLAGS"))[0], StringComparison.Ordinal);
        Assert.Equal(1, view.Loads);
        Assert.True(view.Refreshes >= 1);
    }

    [Fact]
    public async Task ThreeSessions_Expunge_IsReportedToEachOnlyWhenAllowed()
    {
        var box = ImapTranscript.Unique("View");
        await using var a = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple("1"), ImapTestMessages.Simple("2"), ImapTestMessages.Simple("3"));
        await using var b = await host.LoginAsync(MailHostFixture.Alice);
        await b.CommandAsync("e ENABLE QRESYNC");
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {box}"))[^1], StringComparison.Ordinal);
        await using var c = await SelectAsync(box);

        await c.CommandAsync("c1 STORE 3 +FLAGS.SILENT (\\Flagged)");
        await c.CommandAsync("c2 STORE 2 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal(["* 2 EXPUNGE", "c3 OK EXPUNGE completed"], await c.CommandAsync("c3 EXPUNGE"));

        // FETCH and SEARCH may not send EXPUNGE (RFC 9051 §7.5.1): A keeps 3 messages, and sees the flag change at 3.
        var fetched = await a.CommandAsync("a1 FETCH 1:* (FLAGS)");
        Assert.DoesNotContain(fetched, l => l.Contains("EXPUNGE", StringComparison.Ordinal));
        Assert.Contains(fetched, l => l.StartsWith("* 3 FETCH (", StringComparison.Ordinal) && l.Contains("\\Flagged", StringComparison.Ordinal));
        Assert.Equal(["* SEARCH 1 2 3", "a2 OK SEARCH completed"], await a.CommandAsync("a2 SEARCH ALL"));
        Assert.Contains("* 2 EXPUNGE", await a.CommandAsync("a3 NOOP"));
        Assert.Equal(["* SEARCH 1 2", "a4 OK SEARCH completed"], await a.CommandAsync("a4 SEARCH ALL"));
        Assert.Equal("* 2 FETCH (FLAGS (\\Recent \\Flagged))", (await a.CommandAsync("a5 FETCH 2 FLAGS"))[0]);

        // QRESYNC: VANISHED instead of EXPUNGE, also only when allowed.
        Assert.DoesNotContain(await b.CommandAsync("b1 FETCH 1 (FLAGS)"), l => l.StartsWith("* VANISHED", StringComparison.Ordinal));
        Assert.Contains("* VANISHED 2", await b.CommandAsync("b2 NOOP"));
        Assert.Equal(["* ESEARCH (TAG \"b3\") UID ALL 1,3", "b3 OK UID SEARCH completed"], await b.CommandAsync("b3 UID SEARCH RETURN (ALL) ALL"));
    }

    [Fact]
    public async Task Append_IsSeenByEverySession_AndRecentInExactlyOne()
    {
        var box = ImapTranscript.Unique("View");
        await using var a = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple("1"));
        await using var b = await SelectAsync(box);
        await using var e = await SelectAsync(box, "EXAMINE");
        await using var appender = await host.LoginAsync(MailHostFixture.Alice);
        await appender.SendAsync(ImapTestMessages.AppendPlus("p1", box, ImapTestMessages.Simple("new")));
        Assert.StartsWith("p1 OK", (await appender.ReadUntilTaggedAsync("p1"))[^1], StringComparison.Ordinal);

        Assert.Equal(["* 2 EXISTS", "* 2 RECENT", "n1 OK NOOP completed"], await a.CommandAsync("n1 NOOP"));
        Assert.Equal(["* 2 EXISTS", "* 0 RECENT", "n2 OK NOOP completed"], await b.CommandAsync("n2 NOOP"));
        Assert.Equal(["* 2 EXISTS", "* 0 RECENT", "n3 OK NOOP completed"], await e.CommandAsync("n3 NOOP"));
        Assert.Equal(["* SEARCH 1 2", "r1 OK SEARCH completed"], await a.CommandAsync("r1 SEARCH RECENT"));
        Assert.Equal(["* SEARCH", "r2 OK SEARCH completed"], await b.CommandAsync("r2 SEARCH RECENT"));
        Assert.Equal("* 2 FETCH (UID 2)", (await e.CommandAsync("f1 FETCH 2 UID"))[0]);
    }

    [Fact]
    public async Task Idle_WakesWhenAnotherSessionChangesTheSharedView()
    {
        var box = ImapTranscript.Unique("View");
        await using var a = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple("1"));
        await using var b = await SelectAsync(box);
        await a.SendAsync("i1 IDLE\r\n");
        Assert.StartsWith("+ ", await a.ReadLineAsync(), StringComparison.Ordinal);
        await b.CommandAsync("b1 STORE 1 +FLAGS.SILENT (\\Answered)");
        using var timeout = new CancellationTokenSource(Patience);
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Recent \\Answered))", await a.ReadLineAsync().WaitAsync(timeout.Token));
        await a.SendAsync("DONE\r\n");
        Assert.StartsWith("i1 OK", (await a.ReadUntilTaggedAsync("i1"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task View_IsEvictedWhenTheLastSessionLetsGo()
    {
        var box = ImapTranscript.Unique("View");
        var a = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple("1"));
        var b = await SelectAsync(box);
        Assert.NotNull(await FindViewAsync(box));
        Assert.StartsWith("c OK", (await a.CommandAsync("c CLOSE"))[^1], StringComparison.Ordinal);
        Assert.NotNull(await FindViewAsync(box));
        await b.DisposeAsync();
        var deadline = DateTime.UtcNow + Patience;
        while (await FindViewAsync(box) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Null(await FindViewAsync(box));
        await a.DisposeAsync();
    }
}
