using System.Text;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Lists;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Filtering.Lists;

/// <summary>Sender lists at delivery, through SMTP-in with the real spamd and clamd.</summary>
public sealed class SenderListSmtpTests
{
    private static Task<SenderListChange> AddAsync(FilterSmtpHarness h, SenderListScope scope, string owner, string pattern, SenderListKind kind) =>
        h.Host.Services.GetRequiredService<ISenderListStore>().AddAsync(scope, owner, pattern, kind, default);

    private static async Task<VerdictRecord> RecordAsync(FilterSmtpHarness h, string account, string reply) =>
        (await h.Host.Services.GetRequiredService<IVerdictStore>().FindAsync(account, FilterSmtpHarness.QueueId(reply), default))!;

    [Fact]
    public async Task UserBlock_CleanMessage_ToJunk_OtherRecipientInbox()
    {
        await using var h = await FilterSmtpHarness.StartAsync(clamd: false);
        await AddAsync(h, SenderListScope.User, "alice@example.com", "bob@remote.example", SenderListKind.Block);

        var reply = await h.SendAsync(FilterTestMessages.Plain("See you on Friday."), "alice@example.com", "bob@example.com");

        Assert.StartsWith("250 ", reply);
        var junk = Assert.Single(await h.Host.MailboxAsync("alice@example.com", "Junk"));
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
        Assert.Contains("USER_BLOCK", FilterTestMessages.HeaderOf(junk), StringComparison.Ordinal);
        Assert.Contains("X-Spam-Flag: YES", FilterTestMessages.HeaderOf(junk), StringComparison.Ordinal);
        Assert.Single(await h.Host.InboxAsync("bob@example.com"));
        var record = await RecordAsync(h, "alice@example.com", reply);
        Assert.Equal(FilterAction.Junk, record.Action);
        Assert.Contains(record.Checks, c => c.Name == RecipientStage.ListsName && c.Symbols.Contains("USER_BLOCK") && c.Detail == "bob@remote.example");
        Assert.Equal(FilterAction.Deliver, (await RecordAsync(h, "bob@example.com", reply)).Action);
    }

    [Fact]
    public async Task UserAllow_Gtube_DeliveredToInbox_OtherRecipientGetsItInJunk()
    {
        await using var h = await FilterSmtpHarness.StartAsync(clamd: false);
        await AddAsync(h, SenderListScope.User, "alice@example.com", "remote.example", SenderListKind.Allow);

        var reply = await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Gtube), "alice@example.com", "bob@example.com");

        Assert.StartsWith("250 ", reply);
        var inbox = Assert.Single(await h.Host.InboxAsync("alice@example.com"));
        Assert.Contains("X-Spam-Flag: NO", FilterTestMessages.HeaderOf(inbox), StringComparison.Ordinal);
        Assert.Contains("USER_ALLOW", FilterTestMessages.HeaderOf(inbox), StringComparison.Ordinal);
        // bob's verdict was a 550; SMTP has one reply per message, so he gets it in Junk.
        Assert.Single(await h.Host.MailboxAsync("bob@example.com", "Junk"));
        Assert.Empty(await h.Host.InboxAsync("bob@example.com"));
    }

    [Fact]
    public async Task UserAllow_OnlyRecipient_Gtube_Accepted()
    {
        await using var h = await FilterSmtpHarness.StartAsync(clamd: false);
        await AddAsync(h, SenderListScope.User, "alice@example.com", "remote.example", SenderListKind.Allow);

        var reply = await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Gtube));

        Assert.StartsWith("250 ", reply);
        Assert.Equal(FilterAction.Deliver, (await RecordAsync(h, "alice@example.com", reply)).Action);
        Assert.StartsWith("550 5.7.1 ", await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Gtube), "bob@example.com"));
    }

    [Fact]
    public async Task Allow_NeverSkipsTheVirusScan()
    {
        await using var h = await FilterSmtpHarness.StartAsync();
        await AddAsync(h, SenderListScope.User, "alice@example.com", "remote.example", SenderListKind.Allow);
        await AddAsync(h, SenderListScope.Domain, "example.com", "remote.example", SenderListKind.Allow);

        var reply = await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Eicar));

        Assert.StartsWith("554 5.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task DomainBlock_UserAllowWins()
    {
        await using var h = await FilterSmtpHarness.StartAsync(spamd: false, clamd: false);
        await AddAsync(h, SenderListScope.Domain, "example.com", "remote.example", SenderListKind.Block);
        await AddAsync(h, SenderListScope.User, "alice@example.com", "bob@remote.example", SenderListKind.Allow);

        var reply = await h.SendAsync(FilterTestMessages.Plain("Hello"), "alice@example.com", "bob@example.com");

        Assert.StartsWith("250 ", reply);
        Assert.Single(await h.Host.InboxAsync("alice@example.com"));
        var junk = Assert.Single(await h.Host.MailboxAsync("bob@example.com", "Junk"));
        Assert.Contains("DOMAIN_BLOCK", Encoding.UTF8.GetString(junk), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlockActionReject_AllRecipientsBlock_550_NothingStored()
    {
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?> { ["Mail:Filters:Lists:BlockAction"] = "Reject" }, spamd: false, clamd: false);
        await AddAsync(h, SenderListScope.Domain, "example.com", "remote.example", SenderListKind.Block);

        var reply = await h.SendAsync(FilterTestMessages.Plain("Hello"), "alice@example.com", "bob@example.com");

        Assert.StartsWith("550 5.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
        Assert.Empty(await h.Host.MailboxAsync("bob@example.com", "Junk"));
    }

    [Fact]
    public async Task BlockActionReject_OneRecipientBlocks_ItGoesToItsJunk()
    {
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?> { ["Mail:Filters:Lists:BlockAction"] = "Reject" }, spamd: false, clamd: false);
        await AddAsync(h, SenderListScope.User, "alice@example.com", "remote.example", SenderListKind.Block);

        var reply = await h.SendAsync(FilterTestMessages.Plain("Hello"), "alice@example.com", "bob@example.com");

        Assert.StartsWith("250 ", reply);
        Assert.Single(await h.Host.MailboxAsync("alice@example.com", "Junk"));
        Assert.Single(await h.Host.InboxAsync("bob@example.com"));
    }
}
