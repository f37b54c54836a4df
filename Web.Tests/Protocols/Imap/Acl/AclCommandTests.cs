using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap.Acl;

/// <summary>SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS (RFC 4314 §3) transcripts, and who may be granted rights.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class AclCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Capability_AdvertisesAclAndRightsTexk()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Contains(" ACL RIGHTS=texk", (await c.CommandAsync("c0 CAPABILITY"))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAcl_GetAclListRightsMyRights_ReflectTheGrants()
    {
        var box = ImapTranscript.Unique("Acl");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "lr");
        await using var _ = c;
        Assert.Equal([$"* ACL \"{box}\" {owner} lrswipkxteacd {grantee} lr", "g1 OK GETACL completed"], await c.CommandAsync($"g1 GETACL {box}"));

        Assert.Equal(["s1 OK SETACL completed"], await c.CommandAsync($"s1 SETACL {box} {grantee} +wi"));
        Assert.Equal(["s2 OK SETACL completed"], await c.CommandAsync($"s2 SETACL {box} {grantee} -r"));
        Assert.Equal([$"* ACL \"{box}\" {owner} lrswipkxteacd {grantee} lwi", "g2 OK GETACL completed"], await c.CommandAsync($"g2 GETACL {box}"));

        // RFC 4314 §2.1.1: obsolete c is k+x, d is t+e; they come back as letters plus c/d.
        Assert.Equal(["s3 OK SETACL completed"], await c.CommandAsync($"s3 SETACL {box} {grantee.ToUpperInvariant()} lcd"));
        Assert.Equal([$"* ACL \"{box}\" {owner} lrswipkxteacd {grantee} lkxtecd", "g3 OK GETACL completed"], await c.CommandAsync($"g3 GETACL {box}"));

        Assert.Equal(["s4 OK SETACL completed"], await c.CommandAsync($"s4 SETACL {box} anyone lr"));
        Assert.Equal([$"* LISTRIGHTS \"{box}\" {grantee} \"\" l r s w i p k x t e a c d", "l1 OK LISTRIGHTS completed"], await c.CommandAsync($"l1 LISTRIGHTS {box} {grantee}"));
        Assert.Equal([$"* LISTRIGHTS \"{box}\" {owner} lrswipkxtea", "l2 OK LISTRIGHTS completed"], await c.CommandAsync($"l2 LISTRIGHTS {box} {owner}"));
        Assert.Equal([$"* MYRIGHTS \"{box}\" lrswipkxteacd", "m1 OK MYRIGHTS completed"], await c.CommandAsync($"m1 MYRIGHTS {box}"));

        Assert.Equal(["d1 OK DELETEACL completed"], await c.CommandAsync($"d1 DELETEACL {box} {grantee}"));
        Assert.Equal([$"* ACL \"{box}\" {owner} lrswipkxteacd anyone lr", "g4 OK GETACL completed"], await c.CommandAsync($"g4 GETACL {box}"));
        Assert.Equal(["s5 OK SETACL completed"], await c.CommandAsync($"s5 SETACL {box} anyone \"\""));
        Assert.Equal([$"* ACL \"{box}\" {owner} lrswipkxteacd", "g5 OK GETACL completed"], await c.CommandAsync($"g5 GETACL {box}"));

        Assert.Equal(["n1 NO [NONEXISTENT] No such mailbox"], await c.CommandAsync($"n1 GETACL {box}-missing"));
    }

    [Fact]
    public async Task SetAcl_RefusesIdentifiersOutsideTheDomainOrNode()
    {
        var box = ImapTranscript.Unique("Acl");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "");
        await using var _ = c;
        var stranger = await AclTestUsers.AddAsync(host, "acl" + Guid.NewGuid().ToString("N")[..6] + ".test");
        var elsewhere = await AclTestUsers.AddAsync(host);
        await AclTestUsers.SetMailHostAsync(host, elsewhere, "other-node.test");

        Assert.Equal(["x1 NO [CANNOT] Rights can only be granted to users of the mailbox owner's domain"], await c.CommandAsync($"x1 SETACL {box} {stranger} lr"));
        Assert.Equal(["x2 NO [CANNOT] No such user on this mailbox server"], await c.CommandAsync($"x2 SETACL {box} nobody-{Guid.NewGuid():N}@example.com lr"));
        Assert.Equal(["x3 NO [CANNOT] No such user on this mailbox server"], await c.CommandAsync($"x3 SETACL {box} {elsewhere} lr"));
        Assert.Equal(["x4 NO [CANNOT] Negative rights are not supported"], await c.CommandAsync($"x4 SETACL {box} -{grantee} lr"));
        Assert.Equal(["x5 NO [CANNOT] The owner always has every right on its mailboxes"], await c.CommandAsync($"x5 SETACL {box} {owner} l"));
        Assert.Equal(["x6 NO [CANNOT] No such user on this mailbox server"], await c.CommandAsync($"x6 SETACL {box} \"*@example.com\" lr"));
        Assert.Equal(["x7 NO [CANNOT] Rights can only be granted to users of the mailbox owner's domain"], await c.CommandAsync($"x7 SETACL {box} authuser lr"));
        Assert.StartsWith("x8 BAD ", Assert.Single(await c.CommandAsync($"x8 SETACL {box} {grantee} lrz")), StringComparison.Ordinal);
        Assert.Equal([$"* ACL \"{box}\" {owner} lrswipkxteacd", "g1 OK GETACL completed"], await c.CommandAsync($"g1 GETACL {box}"));
    }

    [Fact]
    public async Task AclCommands_WithoutAdministerRight_ReturnNoPerm()
    {
        var box = ImapTranscript.Unique("Acl");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "lrs");
        await using var _ = c;
        await using var g = await host.LoginAsync(grantee);
        var shared = AclTestUsers.Shared(owner, box);
        Assert.Equal([$"* MYRIGHTS {shared} lrs", "m1 OK MYRIGHTS completed"], await g.CommandAsync($"m1 MYRIGHTS {shared}"));
        Assert.Equal(["a1 NO [NOPERM] Permission denied (needs right a)"], await g.CommandAsync($"a1 GETACL {shared}"));
        Assert.Equal(["a2 NO [NOPERM] Permission denied (needs right a)"], await g.CommandAsync($"a2 SETACL {shared} {grantee} lrswipkxtea"));
        Assert.Equal(["a3 NO [NOPERM] Permission denied (needs right a)"], await g.CommandAsync($"a3 DELETEACL {shared} {grantee}"));
        Assert.Equal(["a4 NO [NOPERM] Permission denied (needs right a)"], await g.CommandAsync($"a4 LISTRIGHTS {shared} {grantee}"));

        // With a, the grantee administers the owner's ACL, still only within the domain.
        Assert.Equal(["s1 OK SETACL completed"], await c.CommandAsync($"s1 SETACL {box} {grantee} lra"));
        Assert.Equal([$"* ACL {shared} {owner} lrswipkxteacd {grantee} lra", "a5 OK GETACL completed"], await g.CommandAsync($"a5 GETACL {shared}"));
        Assert.Equal(["a6 NO [CANNOT] The owner always has every right on its mailboxes"], await g.CommandAsync($"a6 SETACL {shared} {owner} l"));
    }

    [Fact]
    public async Task AclStore_SurvivesReopening()
    {
        var path = Path.Combine(Path.GetTempPath(), "acl-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = Microsoft.Extensions.Options.Options.Create(new Mail.Shared.Hosting.MailOptions { DataPath = path });
            var first = new Mail.Protocols.Store.Acl.MailboxAclStore(options);
            await first.SetAsync("o@example.com", 7, "g@example.com", Mail.Protocols.Store.Acl.MailboxRights.Lookup | Mail.Protocols.Store.Acl.MailboxRights.Read, CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            var reopened = new Mail.Protocols.Store.Acl.MailboxAclStore(options);
            var entry = Assert.Single(await reopened.GetAsync("o@example.com", 7, CancellationToken.None));
            Assert.Equal("g@example.com", entry.Identifier);
            Assert.Equal("lr", Mail.Protocols.Store.Acl.MailboxRightsText.Format(entry.Rights));
            Assert.Equal(["o@example.com"], await reopened.GetOwnersSharingWithAsync("g@example.com", CancellationToken.None));
            Assert.Empty(await reopened.GetOwnersSharingWithAsync("g@other.test", CancellationToken.None));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(path, recursive: true);
        }
    }
}
