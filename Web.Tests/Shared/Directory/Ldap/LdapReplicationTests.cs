using Mail.Shared.Directory;
using Mail.Shared.Directory.Sql;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>
/// A real replica: a second slapd following the master by syncrepl (RFC 4533, refreshAndPersist), named second in
/// <c>Mail:Directory:Ldap:Uri</c> ("master replica"). With the master killed, reads are answered by the replica (no
/// cache involved: TTLs and stale serving are 0), writes fail naming the master, and after the master returns writes
/// work again and reach the replica.
/// </summary>
public sealed class LdapReplicationTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task MasterKilled_SyncreplReplicaServesReads_WritesFail_ThenRecover()
    {
        await using var master = await SlapdProcess.StartNewAsync(provider: true);
        await using var replica = await SlapdProcess.StartNewAsync(consumerOf: master.Uri);
        var options = master.Server.Options(uri: $"{master.Uri} {replica.Uri}");
        options.MaxStaleSeconds = 0;
        using var directory = master.Server.CreateDirectory(options, new SqlDirectoryOptions { PositiveCacheSeconds = 0, NegativeCacheSeconds = 0 });

        Assert.True(await directory.AddDomainAsync("example.com", Ct));
        Assert.Equal(DirectoryChangeResult.Done, await directory.AddUserAsync("alice@example.com", "alice-pw", Ct));
        Assert.Equal(DirectoryChangeResult.Done, await directory.AddUserAsync("bob@example.com", "bob-pw", Ct));
        Assert.Equal(DirectoryChangeResult.Done, await directory.AddAliasAsync("team@example.com", "alice@example.com", Ct));
        Assert.Equal(DirectoryChangeResult.Done, await directory.SetForwardingAsync("bob@example.com", "bob@elsewhere.example", keepCopy: true, Ct));
        // The replica got every write by replication, not from us.
        await WaitForAsync(() => Count(replica, "(mailRoutingAddress=bob@elsewhere.example)") == 1
            && Count(replica, "(cn=team@example.com)") == 1, "the replica to catch up");

        await master.KillAsync();

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(["alice@example.com"], (await directory.ResolveRecipientAsync("Team@example.com", Ct)).Users);
            var bob = await directory.ResolveRecipientAsync("bob@example.com", Ct);
            Assert.Equal(["bob@example.com"], bob.Users);
            Assert.Equal(["bob@elsewhere.example"], bob.Forwards);
            Assert.Equal(RecipientKind.UnknownUser, (await directory.ResolveRecipientAsync("never-seen@example.com", Ct)).Kind);
            Assert.NotNull(await directory.AuthenticateAsync("alice@example.com", "alice-pw", Ct));
            Assert.Null(await directory.AuthenticateAsync("alice@example.com", "wrong", Ct));
        }
        Assert.Contains("bob@example.com", (await directory.ListUsersAsync(Ct)).Select(u => u.Address));
        var write = await Assert.ThrowsAsync<DirectoryUnavailableException>(() => directory.AddUserAsync("carol@example.com", "carol-pw", Ct));
        Assert.Contains("master", write.Message, StringComparison.Ordinal);
        Assert.Contains(master.Uri, write.Message, StringComparison.Ordinal);

        await master.StartAsync();
        DirectoryChangeResult? added = null;
        await WaitForAsync(async () =>
        {
            try
            {
                added = await directory.AddUserAsync("carol@example.com", "carol-pw", Ct);
                return true;
            }
            catch (DirectoryUnavailableException)
            {
                return false;
            }
        }, "writes to work again");
        Assert.Equal(DirectoryChangeResult.Done, added);
        await WaitForAsync(() => Count(replica, "(mail=carol@example.com)") == 1, "the replica to resume replication");
    }

    /// <summary>Entries matching on the replica; 0 while it has not even replicated the suffix entry.</summary>
    private static int Count(SlapdProcess replica, string filter)
    {
        try
        {
            return replica.Server.Search(filter).Count;
        }
        catch (System.DirectoryServices.Protocols.DirectoryOperationException)
        {
            return 0;
        }
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 30 s in vain for {what}");
            await Task.Delay(100);
        }
    }
}
