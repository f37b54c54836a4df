using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>The mail host with IMAP settings for tests: no delay after failed logins.</summary>
public sealed class ImapHostFixture : MailHostFixture
{
    public ImapHostFixture()
        : base(new Dictionary<string, string?>
        {
            ["Mail:Imap:Limits:MaxLineOctets"] = "8192",
            ["Mail:Imap:Limits:MaxLiteralOctets"] = "4096",
            ["Mail:Imap:Limits:MaxNestingDepth"] = "8",
        })
    {
    }

    /// <summary>A raw connection to the IMAP listener (greeting read).</summary>
    public Task<ImapTestConnection> ConnectAsync() => ImapTestConnection.ConnectAsync(Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap));

    /// <summary>A raw connection logged in as <paramref name="user"/>.</summary>
    public async Task<ImapTestConnection> LoginAsync(string user)
    {
        var c = await ConnectAsync();
        var reply = await c.CommandAsync($"L1 LOGIN {user} {Password}");
        Assert.StartsWith("L1 OK", reply[^1], StringComparison.Ordinal);
        return c;
    }
}

/// <summary>One IMAP host shared by the IMAP transcript test classes.</summary>
[CollectionDefinition(Name)]
public sealed class ImapHostCollection : ICollectionFixture<ImapHostFixture>
{
    public const string Name = "ImapHost";
}
