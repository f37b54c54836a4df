using System.Text;
using Mail.Protocols.Store;
using Microsoft.Data.Sqlite;

namespace Mail.Web.Tests.Protocols.Store;

/// <summary>The full-text index behind SEARCH BODY/TEXT: decoding, substring semantics, expunge, backfill and the v1 → v2 migration.</summary>
public sealed class AccountStoreFullTextTests
{
    private const string QuotedPrintableLatin1 =
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nLe caf=E9 est tr=E8s bon, na=EFve soft=\r\nwrapped line.\r\n";

    private static readonly string Base64Html =
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: html\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
        "--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        Convert.ToBase64String(Encoding.UTF8.GetBytes("<p>Quarterly ZEPPELIN report – résumé</p>"), Base64FormattingOptions.InsertLineBreaks) + "\r\n" +
        "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        Convert.ToBase64String(Encoding.ASCII.GetBytes("attachment-secret-word")) + "\r\n--b--\r\n";

    private static async Task<(IAccountStore Account, long Inbox)> WithAsync(StoreFixture fixture, params string[] messages)
    {
        var account = await fixture.AccountAsync();
        foreach (var m in messages)
        {
            Assert.Equal(StoreStatus.Ok, (await account.AppendAsync("INBOX", StoreFixture.Message(m), MessageFlags.None, [], DateTimeOffset.UtcNow, default)).Status);
        }
        return (account, (await account.GetMailboxAsync("INBOX", default))!.Id);
    }

    private static Task<IReadOnlySet<uint>> Body(IAccountStore a, long mailbox, string text) => a.SearchTextAsync(mailbox, text, TextSearchScope.Body, default);

    private static Task<IReadOnlySet<uint>> Text(IAccountStore a, long mailbox, string text) => a.SearchTextAsync(mailbox, text, TextSearchScope.Text, default);

    [Fact]
    public async Task Search_DecodesTransferEncodingsCharsetsAndHeaders()
    {
        using var fixture = new StoreFixture();
        var (a, inbox) = await WithAsync(fixture, QuotedPrintableLatin1, Base64Html);
        Assert.Equal([1u], await Body(a, inbox, "café est"));
        Assert.Equal([1u], await Body(a, inbox, "softwrapped"));
        Assert.Equal([2u], await Body(a, inbox, "zeppelin REPORT"));
        Assert.Equal([2u], await Body(a, inbox, "RÉSUMÉ"));
        Assert.Empty(await Body(a, inbox, "attachment-secret"));
        Assert.Empty(await Body(a, inbox, "Köln"));
        Assert.Equal([1u], await Text(a, inbox, "grüße aus köln"));
        Assert.Equal([1u, 2u], (await Text(a, inbox, "b@example.com")).Order());
    }

    [Fact]
    public async Task Search_IsSubstringMatch_FromThreeCharacters_WordPrefixBelow()
    {
        using var fixture = new StoreFixture();
        var (a, inbox) = await WithAsync(fixture,
            "Subject: one\r\n\r\nThe unbelievable \"quoted\" thing\r\n",
            "Subject: two\r\n\r\nbelieve it or not\r\n",
            "Subject: three\r\n\r\nnothing here\r\n");
        Assert.Equal([1u, 2u], (await Body(a, inbox, "elie")).Order());
        Assert.Equal([1u], await Body(a, inbox, "nbel"));
        Assert.Equal([1u], await Body(a, inbox, "\"quoted\" th"));
        Assert.Equal([1u, 2u, 3u], (await Body(a, inbox, "")).Order());
        Assert.Empty(await Body(a, inbox, "zz"));
        Assert.Equal([3u], await Text(a, inbox, "thre"));
        Assert.Empty(await Body(a, inbox, "thre"));
        // 1 or 2 letters or digits: the words that start with them (StoreSchema v5 fts_words), any case.
        Assert.Equal([2u], await Body(a, inbox, "it"));
        Assert.Equal([1u], await Body(a, inbox, "T"));
        Assert.Equal([2u, 3u], (await Body(a, inbox, "no")).Order());
        Assert.Empty(await Body(a, inbox, "ot"));
        Assert.Equal([1u], await Text(a, inbox, "on"));
        Assert.Empty(await Body(a, inbox, "on"));
        // Other short needles are substrings of the indexed text.
        Assert.Equal([1u], await Body(a, inbox, " t"));
        Assert.Equal([1u], await Body(a, inbox, "\"q"));
        // FTS5 query syntax in the needle is literal text.
        Assert.Empty(await Body(a, inbox, "it OR nothing"));
        Assert.Empty(await Body(a, inbox, "bel*"));
        Assert.Empty(await Body(a, inbox, "b*"));
    }

    [Fact]
    public async Task Expunge_RemovesTextRows_ButCopiesKeepThem()
    {
        using var fixture = new StoreFixture();
        var (a, inbox) = await WithAsync(fixture, "Subject: x\r\n\r\nalpha bravo\r\n", "Subject: y\r\n\r\nalpha charlie\r\n");
        Assert.Equal(StoreStatus.Ok, await a.CreateMailboxAsync("Keep", SpecialUse.None, default));
        var keep = (await a.GetMailboxAsync("Keep", default))!.Id;
        Assert.Equal(StoreStatus.Ok, (await a.CopyAsync(inbox, [1], "Keep", move: false, default)).Status);
        await a.ExpungeAsync(inbox, [1, 2], requireDeleted: false, default);
        Assert.Empty(await Body(a, inbox, "alpha"));
        Assert.Equal([1u], await Body(a, keep, "bravo"));
        Assert.Equal(1, Count(fixture, "SELECT COUNT(*) FROM fts_files"));
        Assert.Equal(1, Count(fixture, "SELECT COUNT(*) FROM fts_text"));
        Assert.Equal(1, Count(fixture, "SELECT COUNT(*) FROM fts_words"));
        Assert.Equal([1u], await Body(a, keep, "br"));
        await a.ExpungeAsync(keep, [1], requireDeleted: false, default);
        Assert.Equal(0, Count(fixture, "SELECT COUNT(*) FROM fts_text"));
        Assert.Equal(0, Count(fixture, "SELECT COUNT(*) FROM fts_words"));
    }

    [Fact]
    public async Task V1Index_IsMigrated_AndOldMessagesAreIndexedOnFirstSearch()
    {
        using var fixture = new StoreFixture();
        await WithAsync(fixture, "Subject: old\r\n\r\nlegacy kumquat text\r\n", "Subject: old2\r\n\r\nanother kumquat\r\n");
        fixture.Store.Dispose();
        using (var connection = new SqliteConnection("Data Source=" + IndexPath(fixture) + ";Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            // Exactly what a store written before the full-text index looks like.
            cmd.CommandText = "DROP TABLE sort_keys; DROP TABLE fts_words; DROP TABLE private_flags; DROP TABLE fts_text; DROP TABLE fts_files; DROP TABLE metadata; PRAGMA user_version=1;";
            cmd.ExecuteNonQuery();
        }
        fixture.Reopen();
        var a = await fixture.AccountAsync();
        var inbox = (await a.GetMailboxAsync("INBOX", default))!.Id;
        Assert.Equal(StoreSchema.Version, Count(fixture, "PRAGMA user_version"));
        Assert.Equal(0, Count(fixture, "SELECT COUNT(*) FROM fts_files"));
        Assert.Equal([1u, 2u], (await Body(a, inbox, "kumquat")).Order());
        Assert.Equal(2, Count(fixture, "SELECT COUNT(*) FROM fts_files"));
        await a.AppendAsync("INBOX", StoreFixture.Message("Subject: new\r\n\r\nfresh kumquat\r\n"), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        Assert.Equal([1u, 2u, 3u], (await Body(a, inbox, "KUMQUAT")).Order());
    }

    [Fact]
    public async Task V4Index_IsMigrated_WordIndexFilledFromTheTextIndex()
    {
        using var fixture = new StoreFixture();
        await WithAsync(fixture, "Subject: old\r\n\r\nlegacy zyzzogeton text\r\n", "Subject: old2\r\n\r\nfuzzy kumquat\r\n");
        fixture.Store.Dispose();
        using (var connection = new SqliteConnection("Data Source=" + IndexPath(fixture) + ";Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            // A store written before the word index (schema v4).
            cmd.CommandText = "DROP TABLE sort_keys; DROP TABLE fts_words; PRAGMA user_version=4;";
            cmd.ExecuteNonQuery();
        }
        fixture.Reopen();
        var a = await fixture.AccountAsync();
        var inbox = (await a.GetMailboxAsync("INBOX", default))!.Id;
        Assert.Equal(StoreSchema.Version, Count(fixture, "PRAGMA user_version"));
        Assert.Equal(2, Count(fixture, "SELECT COUNT(*) FROM fts_words"));
        Assert.Equal([1u], await Body(a, inbox, "zy"));
        Assert.Equal([2u], await Body(a, inbox, "k"));
        Assert.Equal([1u, 2u], (await Text(a, inbox, "ol")).Order());
    }

    [Fact]
    public async Task V1Index_CopyFromUncheckedMailbox_IntoSearchedOne_IsFoundAfterwards()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        Assert.Equal(StoreStatus.Ok, (await account.AppendAsync("Archive", StoreFixture.Message("Subject: old\r\n\r\nlegacy quince text\r\n"), MessageFlags.None, [], DateTimeOffset.UtcNow, default)).Status);
        fixture.Store.Dispose();
        using (var connection = new SqliteConnection("Data Source=" + IndexPath(fixture) + ";Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "DROP TABLE sort_keys; DROP TABLE fts_words; DROP TABLE private_flags; DROP TABLE fts_text; DROP TABLE fts_files; DROP TABLE metadata; PRAGMA user_version=1;";
            cmd.ExecuteNonQuery();
        }
        fixture.Reopen();
        var a = await fixture.AccountAsync();
        var inbox = (await a.GetMailboxAsync("INBOX", default))!.Id;
        var archive = (await a.GetMailboxAsync("Archive", default))!.Id;
        // INBOX is checked (and remembered as fully indexed); Archive's old file is not indexed yet.
        Assert.Empty(await Body(a, inbox, "quince"));
        Assert.Equal(StoreStatus.Ok, (await a.CopyAsync(archive, [1u], "INBOX", move: false, default)).Status);
        Assert.Equal([1u], await Body(a, inbox, "quince"));
    }

    [Fact]
    public async Task Delivery_IndexesText_ForEveryRecipient()
    {
        using var fixture = new StoreFixture();
        var message = Encoding.ASCII.GetBytes("Subject: hi\r\n\r\nshared delivery marmalade\r\n");
        await fixture.Store.DeliverAsync(["alice@example.com", "bob@example.com"], new MemoryStream(message), DateTimeOffset.UtcNow, default);
        foreach (var user in new[] { "alice@example.com", "bob@example.com" })
        {
            var a = await fixture.AccountAsync(user);
            var inbox = (await a.GetMailboxAsync("INBOX", default))!.Id;
            Assert.Equal([1u], await Body(a, inbox, "marmalade"));
        }
    }

    private static string IndexPath(StoreFixture fixture, string local = "alice") =>
        Directory.EnumerateFiles(fixture.Root, "index.db", SearchOption.AllDirectories).Single(p => p.Contains(local, StringComparison.Ordinal));

    private static long Count(StoreFixture fixture, string sql)
    {
        using var connection = new SqliteConnection("Data Source=" + IndexPath(fixture) + ";Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
