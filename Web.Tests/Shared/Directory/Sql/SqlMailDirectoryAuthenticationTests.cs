using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Tests.Web.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Shared.Directory.Sql;

/// <summary>Equal work for known and unknown logins: every failure path runs one full password verification.</summary>
public sealed class SqlMailDirectoryAuthenticationTests : IAsyncLifetime
{
    private readonly CountingHasher _hasher = new();
    private PlatformTestServices? _platform;

    private IMailDirectory Directory => _platform!.Get<IMailDirectory>();

    public async Task InitializeAsync()
    {
        _platform = await PlatformTestServices.CreateAsync(PlatformDbProvider.Sqlite, s => s.AddSingleton<IPasswordHasher<PlatformUser>>(_hasher));
        var admin = _platform.Get<IDirectoryAdmin>();
        await admin.AddDomainAsync("example.com", CancellationToken.None);
        await admin.AddUserAsync("alice@example.com", "password", CancellationToken.None);
        await admin.AddUserAsync("off@example.com", "password", CancellationToken.None);
        await using var db = await _platform.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        var off = db.Users.Single(u => u.Address == "off@example.com");
        off.Enabled = false;
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _platform!.DisposeAsync();

    [Theory]
    [InlineData("alice@example.com", "password", true)]
    [InlineData("alice@example.com", "wrong", false)]
    [InlineData("nobody@example.com", "password", false)]
    [InlineData("nobody@elsewhere.example", "password", false)]
    [InlineData("off@example.com", "password", false)]
    [InlineData("not-an-address", "password", false)]
    public async Task Authenticate_AnyOutcome_VerifiesExactlyOneHash(string login, string password, bool succeeds)
    {
        _hasher.Reset();

        var user = await Directory.AuthenticateAsync(login, password, CancellationToken.None);

        Assert.Equal(succeeds, user is not null);
        Assert.Equal(1, _hasher.Verifications);
    }

    [Fact]
    public async Task Authenticate_SamePasswordAgain_IsRememberedWithoutAnotherVerification()
    {
        Assert.NotNull(await Directory.AuthenticateAsync("alice@example.com", "password", CancellationToken.None));
        _hasher.Reset();

        Assert.NotNull(await Directory.AuthenticateAsync("Alice@Example.com", "password", CancellationToken.None));

        Assert.Equal(0, _hasher.Verifications);
    }

    [Fact]
    public async Task Authenticate_WrongPasswordAfterRememberedLogin_StillVerifiesOneHashAndFails()
    {
        Assert.NotNull(await Directory.AuthenticateAsync("alice@example.com", "password", CancellationToken.None));
        _hasher.Reset();

        Assert.Null(await Directory.AuthenticateAsync("alice@example.com", "passwore", CancellationToken.None));

        Assert.Equal(1, _hasher.Verifications);
    }

    [Fact]
    public async Task Authenticate_OldPasswordAfterPasswordChange_FailsDespiteRememberedLogin()
    {
        Assert.NotNull(await Directory.AuthenticateAsync("alice@example.com", "password", CancellationToken.None));
        await _platform!.Get<IDirectoryAdmin>().SetPasswordAsync("alice@example.com", "new password", CancellationToken.None);

        Assert.Null(await Directory.AuthenticateAsync("alice@example.com", "password", CancellationToken.None));
        Assert.NotNull(await Directory.AuthenticateAsync("alice@example.com", "new password", CancellationToken.None));
    }

    private sealed class CountingHasher : IPasswordHasher<PlatformUser>
    {
        private readonly PasswordHasher<PlatformUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public void Reset() => Interlocked.Exchange(ref _verifications, 0);

        public string HashPassword(PlatformUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(PlatformUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
