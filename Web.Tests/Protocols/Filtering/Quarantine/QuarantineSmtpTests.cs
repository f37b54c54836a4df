using System.Diagnostics;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Quarantine;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Filtering.Quarantine;

/// <summary>
/// Per-domain quarantine at SMTP-in with the real clamd and spamd: accepted with 250 once the copy is durable, kept
/// (not delivered), listed for the recipient only, released once into the INBOX byte for byte.
/// </summary>
public sealed class QuarantineSmtpTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static Dictionary<string, string?> Quarantine(string domain = "example.com", string? spamScore = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Mail:Filters:Quarantine:Domains:{domain}:Viruses"] = "true",
            ["Mail:Filters:Quarantine:ReleasePollMilliseconds"] = "100",
            // A loaded machine: the scanners' timeouts are not under test here.
            ["Mail:Filters:Spamd:TimeoutSeconds"] = "90",
            ["Mail:Filters:Clamd:TimeoutSeconds"] = "90",
        };
        if (spamScore is not null)
        {
            settings[$"Mail:Filters:Quarantine:Domains:{domain}:SpamScore"] = spamScore;
        }
        return settings;
    }

    /// <summary>The message octets SMTP-in received for <paramref name="message"/> (the wire form without the final dot line).</summary>
    private static byte[] Sent(string message)
    {
        var wire = FilterTestMessages.ToWire(message);
        return wire[..^3];
    }

    private static async Task<List<byte[]>> WaitForInboxAsync(FilterSmtpHarness h, string account, int count)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var inbox = await h.Host.InboxAsync(account);
            if (inbox.Count >= count || watch.Elapsed > Generous)
            {
                return inbox;
            }
            await Task.Delay(100);
        }
    }

    private static async Task<byte[]> ReadAsync(IQuarantineStore store, QuarantineEntry entry)
    {
        await using var stream = store.OpenMessage(entry);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Eicar_DomainQuarantines_Accepted250KeptListedAndReleasedOnceByteExact()
    {
        await using var h = await FilterSmtpHarness.StartAsync(Quarantine(), spamd: false);
        var store = h.Host.Services.GetRequiredService<IQuarantineStore>();
        var message = FilterTestMessages.Plain(FilterTestMessages.Eicar, "Invoice attached");

        var reply = await h.SendAsync(message);

        var id = FilterSmtpHarness.QueueId(reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
        Assert.Empty(await h.Host.MailboxAsync("alice@example.com", "Junk"));
        var entry = Assert.Single(await store.ListAsync("alice@example.com", CancellationToken.None));
        Assert.Equal((id, QuarantineReason.Virus, FilterDaemons.EicarSignature, QuarantineState.Held, "Invoice attached"),
            (entry.QueueId, entry.Reason, entry.Detail, entry.State, entry.Subject));
        var kept = await ReadAsync(store, entry);
        Assert.Equal(entry.Size, kept.Length);
        Assert.True(kept.AsSpan().EndsWith(Sent(message)), "the quarantine keeps the received octets");
        Assert.Contains("X-Mail-Scan: id=" + id, System.Text.Encoding.ASCII.GetString(kept), StringComparison.Ordinal);
        var record = await h.Host.Services.GetRequiredService<IVerdictStore>().FindAsync("alice@example.com", id, CancellationToken.None);
        Assert.Equal(QuarantinePolicy.Mailbox, record?.Mailbox);

        Assert.Equal(QuarantineChange.ReleaseRequested, await store.RequestReleaseAsync("alice@example.com", entry.Id, CancellationToken.None));
        Assert.Equal(QuarantineChange.AlreadyReleased, await store.RequestReleaseAsync("alice@example.com", entry.Id, CancellationToken.None));
        var inbox = await WaitForInboxAsync(h, "alice@example.com", 1);

        Assert.Equal(kept, Assert.Single(inbox));
        var released = await store.FindAsync("alice@example.com", entry.Id, CancellationToken.None);
        Assert.Equal(QuarantineState.Released, released?.State);
        Assert.True(released!.ReleasedUid > 0);
        Assert.Equal(QuarantineChange.AlreadyReleased, await store.RequestReleaseAsync(null, entry.Id, CancellationToken.None));
        // Several release passes later, still exactly one copy.
        await Task.Delay(500);
        Assert.Single(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Gtube_AboveQuarantineScore_QuarantinedInsteadOfRefused()
    {
        await using var h = await FilterSmtpHarness.StartAsync(Quarantine(spamScore: "10"), clamd: false);
        var store = h.Host.Services.GetRequiredService<IQuarantineStore>();

        var reply = await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Gtube, "Cheap watches"));

        FilterSmtpHarness.QueueId(reply);
        var entry = Assert.Single(await store.ListAsync("alice@example.com", CancellationToken.None));
        Assert.Equal(QuarantineReason.Spam, entry.Reason);
        Assert.True(entry.Score >= 10, $"score {entry.Score}");
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
        Assert.Empty(await h.Host.MailboxAsync("alice@example.com", "Junk"));
    }

    [Fact]
    public async Task Eicar_OtherDomainQuarantines_RefusedAsBefore()
    {
        await using var h = await FilterSmtpHarness.StartAsync(Quarantine(domain: "other.example", spamScore: "10"), spamd: false);
        var store = h.Host.Services.GetRequiredService<IQuarantineStore>();

        var reply = await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Eicar));

        Assert.Equal($"554 5.7.1 Error: message content rejected: virus found ({FilterDaemons.EicarSignature})", reply);
        Assert.Empty(await store.ListAsync(null, CancellationToken.None));
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Gtube_SpamNotQuarantinedForDomain_RefusedAsBefore()
    {
        await using var h = await FilterSmtpHarness.StartAsync(Quarantine(), clamd: false);

        var reply = await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Gtube));

        Assert.StartsWith("550 5.7.1 Error: message content rejected as spam", reply);
        Assert.Empty(await h.Host.Services.GetRequiredService<IQuarantineStore>().ListAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Eicar_ToTwoUsers_EachSeesAndReleasesOnlyTheirOwn()
    {
        await using var h = await FilterSmtpHarness.StartAsync(Quarantine(), spamd: false);
        var store = h.Host.Services.GetRequiredService<IQuarantineStore>();
        await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Eicar, "for alice"));
        var alices = Assert.Single(await store.ListAsync("alice@example.com", CancellationToken.None));

        Assert.Empty(await store.ListAsync("bob@example.com", CancellationToken.None));
        Assert.Null(await store.FindAsync("bob@example.com", alices.Id, CancellationToken.None));
        Assert.Equal(QuarantineChange.NotFound, await store.RequestReleaseAsync("bob@example.com", alices.Id, CancellationToken.None));
        Assert.Equal(QuarantineChange.NotFound, await store.DeleteAsync("bob@example.com", alices.Id, CancellationToken.None));
        Assert.Equal(QuarantineState.Held, (await store.FindAsync("alice@example.com", alices.Id, CancellationToken.None))?.State);

        await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Eicar, "for both"), "alice@example.com", "bob@example.com");
        var bobs = Assert.Single(await store.ListAsync("bob@example.com", CancellationToken.None));
        Assert.Equal(2, (await store.ListAsync("alice@example.com", CancellationToken.None)).Count);
        Assert.Equal(QuarantineChange.Deleted, await store.DeleteAsync("bob@example.com", bobs.Id, CancellationToken.None));
        // Alice's copy of the shared message is untouched by bob's delete.
        var alicesShared = (await store.ListAsync("alice@example.com", CancellationToken.None)).Single(e => e.Subject == "for both");
        Assert.NotNull(store.OpenMessage(alicesShared));
    }
}
