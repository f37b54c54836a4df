using System.Net;
using Mail.Protocols.Hosting;
using Mail.Protocols.Pop3;
using Mail.Protocols.Smtp;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mail.Web.Tests.Protocols.Smtp;

/// <summary>
/// A host with only SMTP in, POP3 and the real mailbox store on 127.0.0.1:0, a temp data path and
/// <see cref="TestDirectory"/>; for transcripts of one protocol where the whole platform is not needed.
/// </summary>
internal sealed class MailProtocolTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private MailProtocolTestHost(IHost host, string dataPath)
    {
        _host = host;
        DataPath = dataPath;
    }

    public string DataPath { get; }

    public TestDirectory Directory => (TestDirectory)_host.Services.GetRequiredService<IMailDirectory>();

    public IMailStore Store => _host.Services.GetRequiredService<IMailStore>();

    public IServiceProvider Services => _host.Services;

    public IPEndPoint Smtp => _host.Services.GetRequiredService<MailEndpoints>().Bound(MailEndpoints.SmtpIn)!;

    public IPEndPoint Pop3 => _host.Services.GetRequiredService<MailEndpoints>().Bound(MailEndpoints.Pop3)!;

    /// <param name="configure">Last-minute service changes (e.g. a manual <see cref="TimeProvider"/>).</param>
    public static async Task<MailProtocolTestHost> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "mail-protocol-tests", Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?>
        {
            ["Mail:DataPath"] = dataPath,
            ["Mail:HostName"] = "mx.test.example",
            ["Mail:Endpoints:SmtpIn"] = "127.0.0.1:0",
            ["Mail:Endpoints:Pop3"] = "127.0.0.1:0",
            ["Mail:Endpoints:Pop3Tls"] = "127.0.0.1:0",
            ["Mail:Authentication:FirstFailureDelay"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddLogging();
        builder.Services.AddMailCore(builder.Configuration);
        builder.Services.AddSingleton<IMailDirectory, TestDirectory>();
        builder.Services.AddMailboxStore();
        builder.Services.AddSmtpIn();
        builder.Services.AddPop3();
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new MailProtocolTestHost(host, dataPath);
    }

    /// <summary>Every message in the account's INBOX, oldest first, as stored.</summary>
    public Task<List<byte[]>> InboxAsync(string account) => MailboxAsync(account, "INBOX");

    /// <summary>Every message in one mailbox of the account, oldest first, as stored.</summary>
    public async Task<List<byte[]>> MailboxAsync(string account, string mailbox)
    {
        var store = await Store.OpenAccountAsync(account, CancellationToken.None);
        var inbox = await store.GetMailboxAsync(mailbox, CancellationToken.None);
        var result = new List<byte[]>();
        foreach (var record in await store.GetMessagesAsync(inbox!.Id, CancellationToken.None))
        {
            await using var stream = await store.OpenMessageAsync(inbox.Id, record.Uid, CancellationToken.None);
            using var copy = new MemoryStream();
            await stream!.CopyToAsync(copy);
            result.Add(copy.ToArray());
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try
        {
            System.IO.Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort cleanup of a temp directory.
        }
    }
}

/// <summary>
/// In-memory directory for protocol tests: domain example.com with alice and bob (password
/// <c>password</c>), alias team@ → alice+bob, postmaster@ → alice, plus-addressing; domain
/// broken.example throws <see cref="DirectoryUnavailableException"/>.
/// </summary>
internal sealed class TestDirectory : IMailDirectory
{
    private static readonly Dictionary<string, string[]> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["team@example.com"] = ["alice@example.com", "bob@example.com"],
        ["postmaster@example.com"] = ["alice@example.com"],
    };

    private static readonly string[] Users = ["alice@example.com", "bob@example.com"];

    public int AuthenticateCalls;

    public Task<DirectoryUser?> FindUserAsync(string address, CancellationToken cancellationToken) =>
        Task.FromResult(Users.Contains(address.ToLowerInvariant()) ? new DirectoryUser(address.ToLowerInvariant(), "", "", 0, true) : null);

    public Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) =>
        domain.Equals("broken.example", StringComparison.OrdinalIgnoreCase)
            ? throw new DirectoryUnavailableException("test: directory down")
            : Task.FromResult(domain.Equals("example.com", StringComparison.OrdinalIgnoreCase));

    public async Task<RecipientResolution> ResolveRecipientAsync(string address, CancellationToken cancellationToken)
    {
        var at = address.LastIndexOf('@');
        var local = address[..at];
        var domain = address[(at + 1)..];
        if (!await IsLocalDomainAsync(domain, cancellationToken))
        {
            return RecipientResolution.NotLocal;
        }
        var plus = local.IndexOf('+');
        var canonical = (plus > 0 ? local[..plus] : local).ToLowerInvariant() + "@" + domain.ToLowerInvariant();
        if (Aliases.TryGetValue(canonical, out var targets))
        {
            return new RecipientResolution(RecipientKind.Local, targets);
        }
        return Users.Contains(canonical) ? new RecipientResolution(RecipientKind.Local, [canonical]) : RecipientResolution.UnknownUser;
    }

    public Task<DirectoryUser?> AuthenticateAsync(string login, string password, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref AuthenticateCalls);
        var user = login.ToLowerInvariant();
        return Task.FromResult(Users.Contains(user) && password == "password" ? new DirectoryUser(user, "", "", 0, true) : null);
    }
}
