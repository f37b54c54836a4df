using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Lists;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Filtering.Lists;

public sealed class SqliteSenderListStoreTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory("senderlists");
    private readonly SqliteSenderListStore _store;

    public SqliteSenderListStoreTests() => _store = Create(new FilterOptions());

    private SqliteSenderListStore Create(FilterOptions options) =>
        new(Options.Create(new MailOptions { DataPath = _dir }), Options.Create(options), TimeProvider.System);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("Bob@Example.ORG", "bob@example.org")]
    [InlineData("@example.org", "example.org")]
    [InlineData("*@Example.org.", "example.org")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    public void Normalize_AcceptsAddressesAndDomains(string pattern, string expected)
    {
        Assert.True(SenderPattern.TryNormalize(pattern, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@")]
    [InlineData("bob@")]
    [InlineData("exa mple.org")]
    [InlineData("-bad.example")]
    [InlineData("a..b")]
    public void Normalize_RefusesOthers(string pattern) => Assert.False(SenderPattern.TryNormalize(pattern, out _));

    [Fact]
    public async Task Add_List_Remove_RoundTrip()
    {
        Assert.Equal(SenderListChange.Added, await _store.AddAsync(SenderListScope.User, "alice@example.com", "Spammer@Bad.example", SenderListKind.Block, default));
        Assert.Equal(SenderListChange.Unchanged, await _store.AddAsync(SenderListScope.User, "alice@example.com", "spammer@bad.example", SenderListKind.Block, default));
        Assert.Equal(SenderListChange.Updated, await _store.AddAsync(SenderListScope.User, "ALICE@example.com", "spammer@bad.example", SenderListKind.Allow, default));
        Assert.Equal(SenderListChange.Added, await _store.AddAsync(SenderListScope.User, "alice@example.com", "@friends.example", SenderListKind.Allow, default));

        var list = await _store.ListAsync(SenderListScope.User, "alice@example.com", default);

        Assert.Equal(["friends.example", "spammer@bad.example"], list.Select(e => e.Pattern));
        Assert.All(list, e => Assert.Equal(SenderListKind.Allow, e.Kind));
        Assert.Empty(await _store.ListAsync(SenderListScope.User, "bob@example.com", default));
        Assert.Equal(SenderListChange.Removed, await _store.RemoveAsync(SenderListScope.User, "alice@example.com", "friends.example", default));
        Assert.Equal(SenderListChange.NotFound, await _store.RemoveAsync(SenderListScope.User, "alice@example.com", "friends.example", default));
        Assert.Single(await _store.ListAsync(SenderListScope.User, "alice@example.com", default));
    }

    [Fact]
    public async Task Add_InvalidOwnerOrPattern_Refused()
    {
        Assert.Equal(SenderListChange.InvalidOwner, await _store.AddAsync(SenderListScope.User, "example.com", "x@y.example", SenderListKind.Block, default));
        Assert.Equal(SenderListChange.InvalidOwner, await _store.AddAsync(SenderListScope.Domain, "a b", "x@y.example", SenderListKind.Block, default));
        Assert.Equal(SenderListChange.InvalidPattern, await _store.AddAsync(SenderListScope.Domain, "example.com", "not valid", SenderListKind.Block, default));
    }

    [Fact]
    public async Task Add_OverMaxEntriesPerOwner_LimitReached()
    {
        using var store = Create(new FilterOptions { Lists = new SenderListOptions { MaxEntriesPerOwner = 2 } });
        Assert.Equal(SenderListChange.Added, await store.AddAsync(SenderListScope.Domain, "example.com", "a.example", SenderListKind.Block, default));
        Assert.Equal(SenderListChange.Added, await store.AddAsync(SenderListScope.Domain, "example.com", "b.example", SenderListKind.Block, default));

        Assert.Equal(SenderListChange.LimitReached, await store.AddAsync(SenderListScope.Domain, "example.com", "c.example", SenderListKind.Block, default));
        Assert.Equal(SenderListChange.Updated, await store.AddAsync(SenderListScope.Domain, "example.com", "b.example", SenderListKind.Allow, default));
    }

    [Fact]
    public async Task Match_SubdomainOfListedDomain_Matches()
    {
        await _store.AddAsync(SenderListScope.User, "alice@example.com", "bad.example", SenderListKind.Block, default);

        var match = await _store.MatchAsync("alice@example.com", ["x@mail.BAD.example"], default);

        Assert.NotNull(match);
        Assert.Equal("bad.example", match.Entry.Pattern);
        Assert.Equal("x@mail.bad.example", match.Sender);
        Assert.Null(await _store.MatchAsync("alice@example.com", ["x@notbad.example"], default));
        Assert.Null(await _store.MatchAsync("alice@example.com", ["", "<>"], default));
    }

    [Fact]
    public async Task Match_UserEntryBeatsDomainEntry()
    {
        await _store.AddAsync(SenderListScope.Domain, "example.com", "news.example", SenderListKind.Block, default);
        await _store.AddAsync(SenderListScope.User, "alice@example.com", "news.example", SenderListKind.Allow, default);

        Assert.Equal(SenderListKind.Allow, (await _store.MatchAsync("alice@example.com", ["letter@news.example"], default))!.Entry.Kind);
        var bob = await _store.MatchAsync("bob@example.com", ["letter@news.example"], default);
        Assert.Equal((SenderListScope.Domain, SenderListKind.Block), (bob!.Entry.Scope, bob.Entry.Kind));
        Assert.Null(await _store.MatchAsync("carol@other.example", ["letter@news.example"], default));
    }

    [Fact]
    public async Task Match_AddressBeatsDomain_BlockWinsAcrossSenders()
    {
        await _store.AddAsync(SenderListScope.User, "alice@example.com", "lists.example", SenderListKind.Block, default);
        await _store.AddAsync(SenderListScope.User, "alice@example.com", "friend@lists.example", SenderListKind.Allow, default);
        await _store.AddAsync(SenderListScope.User, "alice@example.com", "spam.example", SenderListKind.Block, default);

        Assert.Equal(SenderListKind.Allow, (await _store.MatchAsync("alice@example.com", ["friend@lists.example"], default))!.Entry.Kind);
        Assert.Equal(SenderListKind.Block, (await _store.MatchAsync("alice@example.com", ["other@lists.example"], default))!.Entry.Kind);
        var both = await _store.MatchAsync("alice@example.com", ["friend@lists.example", "x@spam.example"], default);
        Assert.Equal(("spam.example", SenderListKind.Block), (both!.Entry.Pattern, both.Entry.Kind));
    }
}
