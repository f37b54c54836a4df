using System.Globalization;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.EndToEnd.Sync;

/// <summary>One real server binary for the sync tests; each test gets its own user (<see cref="NewUserAsync"/>).</summary>
public sealed class SyncServerFixture : IAsyncLifetime
{
    private int _users;

    public MailServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await MailServerProcess.StartAsync();
        await Server.AddDomainAsync("sync.test");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A new user <c>name-N@sync.test</c> with <see cref="MailServerProcess.DefaultPassword"/>.</summary>
    public async Task<string> NewUserAsync(string name)
    {
        var user = $"{name}-{Interlocked.Increment(ref _users).ToString(CultureInfo.InvariantCulture)}@sync.test";
        await Server.AddUserAsync(user);
        return user;
    }
}
