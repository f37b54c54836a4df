using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>METADATA (RFC 5464): server and mailbox entries, private and shared, DEPTH, MAXSIZE, and the store limits.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class MetadataCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task ServerEntries_SetGetAndRemove()
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..8];
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Contains(" METADATA", (await c.CommandAsync("c0 CAPABILITY"))[0], StringComparison.Ordinal);
        Assert.Equal(["s1 OK SETMETADATA completed"], await c.CommandAsync($"s1 SETMETADATA \"\" (/shared/vendor/{tag}/note \"Server note\" /private/vendor/{tag}/Theme \"dark\")"));
        Assert.Equal([$"* METADATA \"\" (/shared/vendor/{tag}/note \"Server note\" /private/vendor/{tag}/theme \"dark\" /shared/vendor/{tag}/missing NIL)", "g1 OK GETMETADATA completed"],
            await c.CommandAsync($"g1 GETMETADATA \"\" (/shared/vendor/{tag}/note /PRIVATE/vendor/{tag}/theme /shared/vendor/{tag}/missing)"));
        Assert.Equal(["s2 OK SETMETADATA completed"], await c.CommandAsync($"s2 SETMETADATA \"\" (/private/vendor/{tag}/theme NIL)"));
        Assert.Equal([$"* METADATA \"\" (/private/vendor/{tag}/theme NIL)", "g2 OK GETMETADATA completed"], await c.CommandAsync($"g2 GETMETADATA \"\" /private/vendor/{tag}/theme"));
        Assert.Equal([$"* METADATA \"\" (/private/vendor/{tag}/theme NIL /shared/vendor/{tag}/note \"Server note\")", "g3 OK GETMETADATA completed"],
            await c.CommandAsync($"g3 GETMETADATA \"\" /private/vendor/{tag}/theme /shared/vendor/{tag}/note"));
    }

    [Fact]
    public async Task MailboxEntries_DepthMaxSizeAndBinaryValues()
    {
        var mailbox = ImapTranscript.Unique("Md");
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("c1 OK", (await c.CommandAsync($"c1 CREATE {mailbox}"))[^1], StringComparison.Ordinal);
        await c.SendAsync($"s1 SETMETADATA {mailbox} (/private/a/b \"1\" /private/a/b/c \"22\" /private/a/d \"333333\" /shared/bin ~{{3+}}\r\nx\0y)\r\n");
        Assert.Equal(["s1 OK SETMETADATA completed"], await c.ReadUntilTaggedAsync("s1"));
        Assert.Equal([$"* METADATA \"{mailbox}\" (/private/a/b \"1\" /private/a/d \"333333\")", "g1 OK GETMETADATA completed"],
            await c.CommandAsync($"g1 GETMETADATA (DEPTH 1) {mailbox} /private/a"));
        Assert.Equal([$"* METADATA \"{mailbox}\" (/private/a/b \"1\" /private/a/b/c \"22\")", "g2 OK [METADATA LONGENTRIES 6] GETMETADATA completed"],
            await c.CommandAsync($"g2 GETMETADATA {mailbox} (MAXSIZE 3 DEPTH infinity) (\"/private/a\")"));
        Assert.Equal([$"* METADATA \"{mailbox}\" (/shared/bin ~{{3}}\r\nx\0y)", "g3 OK GETMETADATA completed"],
            await c.CommandAsync($"g3 GETMETADATA {mailbox} /shared/bin"));

        // RENAME keeps the entries; DELETE removes them with the mailbox.
        Assert.StartsWith("r1 OK", (await c.CommandAsync($"r1 RENAME {mailbox} {mailbox}x"))[^1], StringComparison.Ordinal);
        Assert.Equal([$"* METADATA \"{mailbox}x\" (/private/a/b \"1\")", "g4 OK GETMETADATA completed"], await c.CommandAsync($"g4 GETMETADATA {mailbox}x /private/a/b"));
        Assert.StartsWith("d1 OK", (await c.CommandAsync($"d1 DELETE {mailbox}x"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("c2 OK", (await c.CommandAsync($"c2 CREATE {mailbox}x"))[^1], StringComparison.Ordinal);
        Assert.Equal([$"* METADATA \"{mailbox}x\" (/private/a/b NIL)", "g5 OK GETMETADATA completed"], await c.CommandAsync($"g5 GETMETADATA {mailbox}x /private/a/b"));
    }

    [Fact]
    public async Task InvalidNamesAndMissingMailbox_AreRefused()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal(["b1 BAD Invalid metadata entry name"], await c.CommandAsync("b1 SETMETADATA INBOX (/other/x \"v\")"));
        Assert.Equal(["b2 BAD Invalid metadata entry name"], await c.CommandAsync("b2 SETMETADATA INBOX (/private/a//b \"v\")"));
        Assert.StartsWith("b3 BAD ", Assert.Single(await c.CommandAsync("b3 GETMETADATA INBOX /private/a*")), StringComparison.Ordinal);
        Assert.Equal(["b6 BAD Invalid metadata entry name"], await c.CommandAsync("b6 GETMETADATA INBOX \"/private/a%\""));
        Assert.Equal(["b4 BAD Invalid metadata entry name"], await c.CommandAsync("b4 SETMETADATA INBOX (/shared \"v\")"));
        Assert.Equal(["b5 BAD DEPTH must be 0, 1 or infinity"], await c.CommandAsync("b5 GETMETADATA (DEPTH 2) INBOX /shared"));
        Assert.Equal(["n1 NO [NONEXISTENT] No such mailbox"], await c.CommandAsync("n1 SETMETADATA NoSuchBox (/private/x \"v\")"));
        Assert.Equal(["n2 NO [NONEXISTENT] No such mailbox"], await c.CommandAsync("n2 GETMETADATA NoSuchBox /private/x"));
    }

    [Fact]
    public async Task Limits_MaxSizeAndTooMany_RefuseTheWholeCommand()
    {
        await using var limited = await MailHostFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Imap:AuthFailureDelay"] = "00:00:00",
            ["Mail:Store:MaxMetadataValueOctets"] = "10",
            ["Mail:Store:MaxMetadataEntries"] = "2",
        });
        await using var c = await ImapTestConnection.ConnectAsync(limited.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap));
        Assert.StartsWith("l OK", (await c.CommandAsync($"l LOGIN {MailHostFixture.Alice} {MailHostFixture.Password}"))[^1], StringComparison.Ordinal);
        Assert.Equal(["m1 NO [METADATA MAXSIZE 10] Value too large"], await c.CommandAsync("m1 SETMETADATA INBOX (/private/a \"short\" /private/b \"01234567890\")"));
        Assert.Equal(["g1 OK GETMETADATA completed"], (await c.CommandAsync("g1 GETMETADATA (DEPTH infinity) INBOX /private"))[1..]);
        Assert.Equal(["m2 OK SETMETADATA completed"], await c.CommandAsync("m2 SETMETADATA INBOX (/private/a \"1\" /shared/b \"2\")"));
        Assert.Equal(["m3 NO [METADATA TOOMANY] Too many metadata entries"], await c.CommandAsync("m3 SETMETADATA INBOX (/private/a \"changed\" /private/c \"3\")"));
        Assert.Equal(["* METADATA \"INBOX\" (/private/a \"1\")", "g2 OK GETMETADATA completed"], await c.CommandAsync("g2 GETMETADATA INBOX /private/a"));
        Assert.Equal(["m4 OK SETMETADATA completed"], await c.CommandAsync("m4 SETMETADATA INBOX (/shared/b NIL /private/c \"3\")"));
    }

    [Fact]
    public async Task MailKit_SetsAndReadsMailboxAndServerMetadata()
    {
        using var client = new ImapClient();
        var endpoint = host.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap);
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(MailHostFixture.Bob, MailHostFixture.Password);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Metadata));
        await client.Inbox.SetMetadataAsync(new MetadataCollection { new Metadata(MetadataTag.PrivateComment, "my inbox"), new Metadata(MetadataTag.SharedComment, "team inbox") });
        Assert.Equal("my inbox", await client.Inbox.GetMetadataAsync(MetadataTag.PrivateComment));
        var both = await client.Inbox.GetMetadataAsync([MetadataTag.PrivateComment, MetadataTag.SharedComment]);
        Assert.Equal(["my inbox", "team inbox"], both.OrderBy(m => m.Tag.Id, StringComparer.Ordinal).Select(m => m.Value));
        await client.SetMetadataAsync(new MetadataCollection { new Metadata(MetadataTag.SharedAdmin, "mailto:admin@example.com") });
        Assert.Equal("mailto:admin@example.com", await client.GetMetadataAsync(MetadataTag.SharedAdmin));
        await client.DisconnectAsync(true);
    }
}
