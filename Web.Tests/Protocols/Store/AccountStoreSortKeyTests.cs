using Mail.Protocols.Store;
using Microsoft.Data.Sqlite;

namespace Mail.Web.Tests.Protocols.Store;

/// <summary>The SORT keys in the index (StoreSchema v6): written with the message, shared by copies, removed with the file, backfilled after an upgrade.</summary>
public sealed class AccountStoreSortKeyTests
{
    private const string Rich =
        "From: \"Zed Zulu\" <zed@example.com>, amy@example.com\r\nTo: Friends: bob@example.net, carol@example.net;\r\n" +
        "Cc: <cc@example.org>\r\nSubject: =?utf-8?q?Re:_caf=C3=A9_menu?=\r\nDate: Tue, 2 Jan 2024 10:00:00 +0200\r\n\r\nbody\r\n";

    private static async Task<(IAccountStore Account, long Inbox)> WithAsync(StoreFixture fixture, params string[] messages)
    {
        var account = await fixture.AccountAsync();
        foreach (var m in messages)
        {
            Assert.Equal(StoreStatus.Ok, (await account.AppendAsync("INBOX", StoreFixture.Message(m), MessageFlags.None, [], DateTimeOffset.UtcNow, default)).Status);
        }
        return (account, (await account.GetMailboxAsync("INBOX", default))!.Id);
    }

    [Fact]
    public async Task Append_StoresTheKeysOfTheHeader()
    {
        using var fixture = new StoreFixture();
        var (a, inbox) = await WithAsync(fixture, Rich, "Subject: bare\r\n\r\nno addresses, no date\r\n");
        var entries = await a.GetSortKeysAsync(inbox, SortKeyFields.All, 0, default);
        Assert.Equal([1u, 2u], entries.Select(e => e.Uid));
        var keys = entries[0].Keys!;
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 8, 0, 0, TimeSpan.Zero), keys.SentDate);
        Assert.Equal("Re: café menu", keys.Subject);
        Assert.Equal(("zed", "Zed Zulu"), (keys.FromMailbox, keys.FromDisplay));
        // A group's first entry is its name (the ENVELOPE start-of-group entry, RFC 5256 §3).
        Assert.Equal(("Friends", "Friends"), (keys.ToMailbox, keys.ToDisplay));
        Assert.Equal("cc", keys.CcMailbox);
        Assert.Equal(MessageSortKeys.Empty with { Subject = "bare" }, entries[1].Keys);
    }

    [Fact]
    public async Task GetSortKeys_ReadsOnlyTheFieldsAskedFor_AboveTheUid()
    {
        using var fixture = new StoreFixture();
        var (a, inbox) = await WithAsync(fixture, Rich, Rich, Rich);
        var entries = await a.GetSortKeysAsync(inbox, SortKeyFields.FromMailbox, 1, default);
        Assert.Equal([2u, 3u], entries.Select(e => e.Uid));
        Assert.Equal(MessageSortKeys.Empty with { FromMailbox = "zed" }, entries[0].Keys);
    }

    [Fact]
    public async Task Copy_SharesTheKeys_ExpungeOfTheLastCopyRemovesThem()
    {
        using var fixture = new StoreFixture();
        var (a, inbox) = await WithAsync(fixture, Rich);
        Assert.Equal(StoreStatus.Ok, (await a.CopyAsync(inbox, [1u], "Archive", move: false, default)).Status);
        var archive = (await a.GetMailboxAsync("Archive", default))!.Id;
        Assert.Equal("zed", (await a.GetSortKeysAsync(archive, SortKeyFields.All, 0, default)).Single().Keys!.FromMailbox);
        Assert.Equal(1, Count(fixture, "SELECT COUNT(*) FROM sort_keys"));
        await a.ExpungeAsync(inbox, [1u], requireDeleted: false, default);
        Assert.Equal(1, Count(fixture, "SELECT COUNT(*) FROM sort_keys"));
        await a.ExpungeAsync(archive, [1u], requireDeleted: false, default);
        Assert.Equal(0, Count(fixture, "SELECT COUNT(*) FROM sort_keys"));
    }

    [Fact]
    public async Task MissingRow_ComesBackAsNullKeys()
    {
        using var fixture = new StoreFixture();
        var (a, inbox) = await WithAsync(fixture, Rich, Rich);
        await ((AccountStore)a).SortBackfill.WaitAsync(TimeSpan.FromSeconds(60));
        Execute(fixture, "DELETE FROM sort_keys");
        var entries = await a.GetSortKeysAsync(inbox, SortKeyFields.All, 0, default);
        Assert.Equal([1u, 2u], entries.Select(e => e.Uid));
        Assert.All(entries, e => Assert.Null(e.Keys));
    }

    [Fact]
    public async Task V5Index_IsMigrated_AndTheKeysAreBackfilledInTheBackgroundAtOpen()
    {
        using var fixture = new StoreFixture();
        await WithAsync(fixture, Rich, "From: bob@example.net\r\nSubject: second\r\n\r\nx\r\n");
        fixture.Store.Dispose();
        // Exactly what a store written before the sort keys (schema v5) looks like.
        Execute(fixture, "DROP TABLE sort_keys; PRAGMA user_version=5;");
        fixture.Reopen();
        var a = await fixture.AccountAsync();
        Assert.Equal(StoreSchema.Version, Count(fixture, "PRAGMA user_version"));
        await ((AccountStore)a).SortBackfill.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, Count(fixture, "SELECT COUNT(*) FROM sort_keys"));
        var inbox = (await a.GetMailboxAsync("INBOX", default))!.Id;
        Assert.Equal(["zed", "bob"], (await a.GetSortKeysAsync(inbox, SortKeyFields.FromMailbox, 0, default)).Select(e => e.Keys!.FromMailbox));
    }

    private static string IndexPath(StoreFixture fixture) =>
        Directory.EnumerateFiles(fixture.Root, "index.db", SearchOption.AllDirectories).Single(p => p.Contains("alice", StringComparison.Ordinal));

    private static void Execute(StoreFixture fixture, string sql)
    {
        using var connection = new SqliteConnection("Data Source=" + IndexPath(fixture) + ";Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=30000; " + sql;
        cmd.ExecuteNonQuery();
    }

    private static long Count(StoreFixture fixture, string sql)
    {
        using var connection = new SqliteConnection("Data Source=" + IndexPath(fixture) + ";Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
