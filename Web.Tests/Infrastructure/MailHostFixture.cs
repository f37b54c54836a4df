using System.Net;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Infrastructure;

/// <summary>
/// The whole mail host in-process (WebApplicationFactory&lt;Program&gt; on real Kestrel), on a fresh
/// temporary data path with every listener on 127.0.0.1:0, seeded with domain <c>example.com</c> and
/// users <c>alice@example.com</c> and <c>bob@example.com</c> (password <see cref="Password"/>).
/// </summary>
/// <remarks>
/// Share one host per test collection with <c>[Collection(MailHostCollection.Name)]</c>, or use it as a
/// class fixture. For other settings (e.g. the MySql provider) derive a fixture that passes extra
/// configuration to the protected constructor, or call <see cref="StartAsync"/> directly.
/// </remarks>
public class MailHostFixture : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>The seeded domain.</summary>
    public const string Domain = "example.com";

    /// <summary>Seeded users' password.</summary>
    public const string Password = "password";

    /// <summary>Seeded user alice.</summary>
    public const string Alice = "alice@example.com";

    /// <summary>Seeded user bob.</summary>
    public const string Bob = "bob@example.com";

    /// <summary>How long <see cref="Endpoint"/> waits for a listener to report its bound endpoint.</summary>
    public static readonly TimeSpan EndpointTimeout = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, string?> _settings;
    private WebApplicationFactory<Program>? _factory;

    public MailHostFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>A host with <paramref name="overrides"/> layered over the test defaults (keys like <c>Mail:Database:Provider</c>).</summary>
    protected MailHostFixture(IReadOnlyDictionary<string, string?> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        DataPath = Path.Combine(Path.GetTempPath(), "mailhost-" + Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Mail:DataPath"] = DataPath,
            ["Mail:HostName"] = "mail.test",
            [$"Mail:Endpoints:{MailEndpoints.SmtpIn}"] = "127.0.0.1:0",
            [$"Mail:Endpoints:{MailEndpoints.Submission}"] = "127.0.0.1:0",
            [$"Mail:Endpoints:{MailEndpoints.SubmissionTls}"] = "127.0.0.1:0",
            [$"Mail:Endpoints:{MailEndpoints.Imap}"] = "127.0.0.1:0",
            [$"Mail:Endpoints:{MailEndpoints.Pop3}"] = "127.0.0.1:0",
            [$"Mail:Endpoints:{MailEndpoints.ImapTls}"] = "127.0.0.1:0",
            [$"Mail:Endpoints:{MailEndpoints.Pop3Tls}"] = "127.0.0.1:0",
            // No escalating failure delays (tests that measure them turn them on).
            ["Mail:Authentication:FirstFailureDelay"] = "00:00:00",
            [$"Mail:Endpoints:{MailEndpoints.Lmtp}"] = "127.0.0.1:0",
            ["urls"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in overrides)
        {
            _settings[key] = value;
        }
    }

    /// <summary>Starts a host with extra settings outside xunit's fixture machinery; dispose it when done.</summary>
    public static async Task<MailHostFixture> StartAsync(IReadOnlyDictionary<string, string?> overrides)
    {
        var fixture = new MailHostFixture(overrides);
        await fixture.InitializeAsync();
        return fixture;
    }

    /// <summary>The temporary data path (deleted on dispose).</summary>
    public string DataPath { get; }

    /// <summary>The settings the host was started with.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => Factory.Services;

    /// <summary>Base address of the HTTP listener (<c>http://127.0.0.1:port/</c>).</summary>
    public Uri BaseAddress => Factory.ClientOptions.BaseAddress;

    /// <summary>The factory (for <c>CreateClient</c> with options).</summary>
    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>An HTTP client for the real Kestrel listener (cookies handled, redirects not followed).</summary>
    public HttpClient CreateHttpClient() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = BaseAddress });

    /// <summary>
    /// The endpoint listener <paramref name="name"/> (<see cref="MailEndpoints"/> names) bound, waiting up to
    /// <see cref="EndpointTimeout"/> for it to be reported.
    /// </summary>
    /// <exception cref="TimeoutException">The listener never reported (not registered for the host's roles, or failed to bind).</exception>
    public IPEndPoint Endpoint(string name)
    {
        var endpoints = Services.GetRequiredService<MailEndpoints>();
        var deadline = DateTime.UtcNow + EndpointTimeout;
        while (true)
        {
            if (endpoints.Bound(name) is { } bound)
            {
                return bound;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Listener '{name}' did not report a bound endpoint within {EndpointTimeout.TotalSeconds} s (bound: {string.Join(", ", endpoints.AllBound.Keys)}).");
            }
            Thread.Sleep(20);
        }
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataPath);
        var factory = new MailWebApplicationFactory(_settings);
        _factory = factory;
        factory.UseKestrel(0);
        factory.StartServer();

        var admin = Services.GetRequiredService<IDirectoryAdmin>();
        await admin.AddDomainAsync(Domain, CancellationToken.None);
        foreach (var user in new[] { Alice, Bob })
        {
            var result = await admin.AddUserAsync(user, Password, CancellationToken.None);
            if (result != DirectoryChangeResult.Done)
            {
                throw new InvalidOperationException($"Seeding {user} failed: {result}.");
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
            _factory = null;
        }
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private sealed class MailWebApplicationFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}

/// <summary>One shared <see cref="MailHostFixture"/> for every test class marked <c>[Collection(MailHostCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class MailHostCollection : ICollectionFixture<MailHostFixture>
{
    public const string Name = "MailHost";
}
