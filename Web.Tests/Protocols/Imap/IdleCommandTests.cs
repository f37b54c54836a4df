using System.Diagnostics;
using Mail.Protocols.Store;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class IdleCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Idle_DeliveryFromAnotherSession_WakesWithinOneSecond()
    {
        var box = ImapTranscript.Unique("I");
        await using var watcher = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple());
        await using var other = await host.LoginAsync(MailHostFixture.Alice);
        await watcher.SendAsync("i1 IDLE\r\n");
        Assert.Equal("+ idling", await watcher.ReadLineAsync());

        var clock = Stopwatch.StartNew();
        await other.SendAsync(ImapTestMessages.AppendPlus("a1", box, ImapTestMessages.Simple("new")));
        await other.ReadUntilTaggedAsync("a1");
        Assert.Equal("* 2 EXISTS", await watcher.ReadLineAsync());
        Assert.Equal("* 2 RECENT", await watcher.ReadLineAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"IDLE woke after {clock.Elapsed}");

        await other.CommandAsync($"s SELECT {box}");
        await other.CommandAsync("b1 STORE 1 +FLAGS.SILENT (\\Flagged)");
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Recent \\Flagged))", await watcher.ReadLineAsync());
        await other.CommandAsync("b2 STORE 2 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal("* 2 FETCH (UID 2 FLAGS (\\Recent \\Deleted))", await watcher.ReadLineAsync());
        await other.CommandAsync("b3 EXPUNGE");
        Assert.Equal("* 2 EXPUNGE", await watcher.ReadLineAsync());

        await watcher.SendAsync("DONE\r\n");
        Assert.Equal("i1 OK IDLE terminated", await watcher.ReadLineAsync());
    }

    [Fact]
    public async Task Idle_SmtpStyleDelivery_WakesInbox()
    {
        await using var watcher = await host.LoginAsync(MailHostFixture.Bob);
        var select = await watcher.CommandAsync("s SELECT INBOX");
        var exists = int.Parse(select.First(l => l.EndsWith(" EXISTS", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        await watcher.SendAsync("i1 IDLE\r\n");
        Assert.Equal("+ idling", await watcher.ReadLineAsync());
        var store = host.Services.GetRequiredService<IMailStore>();
        using var message = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(ImapTestMessages.Simple("delivered")));
        await store.DeliverAsync([MailHostFixture.Bob], message, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal($"* {exists + 1} EXISTS", await watcher.ReadLineAsync());
        Assert.Matches(@"^\* \d+ RECENT$", await watcher.ReadLineAsync());
        await watcher.SendAsync("DONE\r\n");
        Assert.Equal("i1 OK IDLE terminated", await watcher.ReadLineAsync());
    }

    [Fact]
    public async Task Idle_WrongTerminator_ReturnsBad()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await c.SendAsync("i1 IDLE\r\n");
        Assert.Equal("+ idling", await c.ReadLineAsync());
        await c.SendAsync("NOPE\r\n");
        Assert.Equal("i1 BAD Expected DONE", await c.ReadLineAsync());
    }
}
