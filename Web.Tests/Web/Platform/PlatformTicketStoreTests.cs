using System.Security.Claims;
using System.Text;
using Mail.Shared.Platform;
using Mail.Web.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Platform;

/// <summary>Server-side sessions: the ticket round-trips through the WebSessions table; sign-out deletes the row.</summary>
public abstract class PlatformTicketStoreContract(PlatformDbProvider provider) : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private PlatformTestServices? _platform;

    private PlatformTicketStore Store => _platform!.Get<PlatformTicketStore>();

    public async Task InitializeAsync() =>
        _platform = await PlatformTestServices.CreateAsync(provider, s => s.AddSingleton<TimeProvider>(_time));

    public async Task DisposeAsync() => await _platform!.DisposeAsync();

    private AuthenticationTicket NewTicket(string user, TimeSpan lifetime)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user), new Claim("mail:imap-secret", "s3cr3t-value")],
            CookieAuthenticationDefaults.AuthenticationScheme);
        var properties = new AuthenticationProperties { IssuedUtc = _time.GetUtcNow(), ExpiresUtc = _time.GetUtcNow() + lifetime, IsPersistent = true };
        properties.Items["folder"] = "INBOX";
        return new AuthenticationTicket(new ClaimsPrincipal(identity), properties, CookieAuthenticationDefaults.AuthenticationScheme);
    }

    private async Task<WebSession?> RowAsync(string key)
    {
        await using var db = await _platform!.Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        return await db.WebSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Key == key);
    }

    [Fact]
    public void TicketStore_IsRegisteredAsITicketStore() =>
        Assert.Same(Store, _platform!.Get<ITicketStore>());

    [Fact]
    public async Task Store_ThenRetrieve_RoundTripsClaimsAndProperties()
    {
        var key = await Store.StoreAsync(NewTicket("Alice@Example.com", TimeSpan.FromHours(1)));

        var ticket = await Store.RetrieveAsync(key);

        Assert.NotNull(ticket);
        Assert.Equal("Alice@Example.com", ticket.Principal.Identity?.Name);
        Assert.Equal("s3cr3t-value", ticket.Principal.FindFirst("mail:imap-secret")?.Value);
        Assert.Equal("INBOX", ticket.Properties.Items["folder"]);
        Assert.Equal(CookieAuthenticationDefaults.AuthenticationScheme, ticket.AuthenticationScheme);
        Assert.Equal(43, key.Length);
    }

    [Fact]
    public async Task Store_WritesRowWithUserAndExpiry_AndProtectedBytes()
    {
        var key = await Store.StoreAsync(NewTicket("Alice@Example.com", TimeSpan.FromHours(1)));

        var row = await RowAsync(key);

        Assert.NotNull(row);
        Assert.Equal("alice@example.com", row.UserAddress);
        Assert.Equal(_time.GetUtcNow().UtcDateTime.AddHours(1), row.ExpiresUtc, TimeSpan.FromSeconds(1));
        Assert.DoesNotContain("s3cr3t-value", Encoding.UTF8.GetString(row.Ticket), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_KeysAreUnique()
    {
        var a = await Store.StoreAsync(NewTicket("a@example.com", TimeSpan.FromHours(1)));
        var b = await Store.StoreAsync(NewTicket("a@example.com", TimeSpan.FromHours(1)));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Renew_ReplacesTicketAndExpiry()
    {
        var key = await Store.StoreAsync(NewTicket("a@example.com", TimeSpan.FromHours(1)));
        _time.Advance(TimeSpan.FromMinutes(30));

        await Store.RenewAsync(key, NewTicket("b@example.com", TimeSpan.FromHours(2)));

        Assert.Equal("b@example.com", (await Store.RetrieveAsync(key))?.Principal.Identity?.Name);
        var row = await RowAsync(key);
        Assert.Equal(_time.GetUtcNow().UtcDateTime.AddHours(2), row!.ExpiresUtc, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Renew_AfterTheSessionWasRemoved_DoesNotBringItBack()
    {
        // A request retrieved its ticket, then "sign out everywhere" removed the row before the sliding renewal ran.
        var key = await Store.StoreAsync(NewTicket("a@example.com", TimeSpan.FromHours(1)));
        var ticket = await Store.RetrieveAsync(key);
        await Store.RemoveAsync(key);

        await Store.RenewAsync(key, ticket!);

        Assert.Null(await RowAsync(key));
        Assert.Null(await Store.RetrieveAsync(key));
    }

    [Fact]
    public async Task Remove_DeletesTheRow()
    {
        var key = await Store.StoreAsync(NewTicket("a@example.com", TimeSpan.FromHours(1)));

        await Store.RemoveAsync(key);

        Assert.Null(await RowAsync(key));
        Assert.Null(await Store.RetrieveAsync(key));
        await Store.RemoveAsync(key); // unknown key: no error
    }

    [Fact]
    public async Task Retrieve_UnknownKey_ReturnsNull() =>
        Assert.Null(await Store.RetrieveAsync("no-such-key"));

    [Fact]
    public async Task Retrieve_AfterExpiry_ReturnsNullAndDeletesRow()
    {
        var key = await Store.StoreAsync(NewTicket("a@example.com", TimeSpan.FromMinutes(5)));
        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.Null(await Store.RetrieveAsync(key));
        Assert.Null(await RowAsync(key));
    }

    [Fact]
    public async Task PurgeExpired_DeletesOnlyExpiredRows()
    {
        var shortKey = await Store.StoreAsync(NewTicket("a@example.com", TimeSpan.FromMinutes(5)));
        var longKey = await Store.StoreAsync(NewTicket("a@example.com", TimeSpan.FromDays(1)));
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.True(await Store.PurgeExpiredAsync(CancellationToken.None) >= 1);

        Assert.Null(await RowAsync(shortKey));
        Assert.NotNull(await RowAsync(longKey));
    }

    [Fact]
    public async Task Retrieve_UpdatesLastSeenAtMostOncePerResolution()
    {
        var key = await Store.StoreAsync(NewTicket("a@example.com", TimeSpan.FromHours(1)));
        var created = (await RowAsync(key))!.LastSeenUtc;

        _time.Advance(TimeSpan.FromSeconds(10));
        await Store.RetrieveAsync(key);
        Assert.Equal(created, (await RowAsync(key))!.LastSeenUtc);

        _time.Advance(PlatformTicketStore.LastSeenResolution);
        await Store.RetrieveAsync(key);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, (await RowAsync(key))!.LastSeenUtc, TimeSpan.FromSeconds(1));
    }
}

/// <summary>Ticket store on SQLite.</summary>
public sealed class PlatformTicketStoreSqliteTests() : PlatformTicketStoreContract(PlatformDbProvider.Sqlite);

/// <summary>Ticket store on MariaDB (needs MAIL_TEST_MYSQL).</summary>
public sealed class PlatformTicketStoreMySqlTests() : PlatformTicketStoreContract(PlatformDbProvider.MySql);
