using Mail.Shared.Directory;
using Mail.Shared.Directory.Ldap;
using Mail.Shared.Directory.Sql;
using Mail.Web.Tests.Web.Platform;
using Microsoft.Extensions.Logging;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>The master goes away and comes back: cache and replicas keep reads working, writes fail cleanly, one log line each way.</summary>
public sealed class LdapOutageTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task MasterKilled_ReadsFromStaleCache_WritesFail_LoggedOnce_RecoversAfterRestart()
    {
        await using var slapd = await SlapdProcess.StartNewAsync();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var log = new RecordingLogger();
        using var directory = slapd.Server.CreateDirectory(
            rules: new SqlDirectoryOptions { PositiveCacheSeconds = 30, NegativeCacheSeconds = 5 },
            time: time,
            logger: log);
        Assert.True(await directory.AddDomainAsync("example.com", Ct));
        Assert.Equal(DirectoryChangeResult.Done, await directory.AddUserAsync("alice@example.com", "pw", Ct));
        Assert.Equal(DirectoryChangeResult.Done, await directory.AddAliasAsync("team@example.com", "alice@example.com", Ct));
        // Warm the cache: what this node has seen before keeps working in an outage.
        Assert.Equal(RecipientKind.Local, (await directory.ResolveRecipientAsync("team@example.com", Ct)).Kind);
        Assert.Equal(RecipientKind.UnknownUser, (await directory.ResolveRecipientAsync("nobody@example.com", Ct)).Kind);
        Assert.NotNull(await directory.AuthenticateAsync("alice@example.com", "pw", Ct));

        await slapd.KillAsync();
        time.Advance(TimeSpan.FromMinutes(10)); // every entry is past its TTL: only stale answers remain

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(["alice@example.com"], (await directory.ResolveRecipientAsync("Team@example.com", Ct)).Users);
            Assert.Equal(RecipientKind.UnknownUser, (await directory.ResolveRecipientAsync("nobody@example.com", Ct)).Kind);
            Assert.NotNull(await directory.AuthenticateAsync("alice@example.com", "pw", Ct));
            Assert.Null(await directory.AuthenticateAsync("alice@example.com", "wrong", Ct));
            Assert.True(await directory.IsLocalDomainAsync("example.com", Ct));
        }
        // Never seen before: no answer to give, a temporary failure (SMTP 451) rather than a guess.
        await Assert.ThrowsAsync<DirectoryUnavailableException>(() => directory.ResolveRecipientAsync("never-seen@example.com", Ct));
        var write = await Assert.ThrowsAsync<DirectoryUnavailableException>(() => directory.AddUserAsync("bob@example.com", "pw", Ct));
        Assert.Contains("master", write.Message, StringComparison.Ordinal);
        Assert.Contains(slapd.Uri, write.Message, StringComparison.Ordinal);
        Assert.Equal(1, log.Count(2101)); // server down: once, not per lookup
        Assert.Equal(1, log.Count(2106)); // serving stale: once

        await slapd.StartAsync();
        time.Advance(TimeSpan.FromSeconds(2)); // past RetryIntervalSeconds (1 s in the test options)

        Assert.Equal(DirectoryChangeResult.Done, await directory.AddUserAsync("bob@example.com", "pw", Ct));
        Assert.Equal(["bob@example.com"], (await directory.ResolveRecipientAsync("bob@example.com", Ct)).Users);
        Assert.Equal(1, log.Count(2102)); // back up: once
    }

    [Fact]
    public async Task NoServer_ColdCache_ThrowsDirectoryUnavailable()
    {
        await using var slapd = await SlapdProcess.StartNewAsync();
        await slapd.KillAsync();
        using var directory = slapd.Server.CreateDirectory();

        await Assert.ThrowsAsync<DirectoryUnavailableException>(() => directory.ResolveRecipientAsync("a@example.com", Ct));
        await Assert.ThrowsAsync<DirectoryUnavailableException>(() => directory.AuthenticateAsync("a@example.com", "pw", Ct));
        await Assert.ThrowsAsync<DirectoryUnavailableException>(() => directory.AddDomainAsync("example.com", Ct));
    }

    /// <summary>Counts log events by id.</summary>
    internal sealed class RecordingLogger : ILogger<LdapMailDirectory>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<int> _events = new();

        public int Count(int eventId) => _events.Count(e => e == eventId);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _events.Enqueue(eventId.Id);
    }
}
