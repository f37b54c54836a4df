using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap.Acl;

/// <summary>
/// What must not work with shared mailboxes: reaching another user's mailboxes without a grant, across
/// domains or nodes, or by name tricks in the "Other Users" namespace (RFC 4314 §6: no existence leaks).
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class SharedMailboxAttackTests(ImapHostFixture host)
{
    private const string NoSuchMailbox = "NO [NONEXISTENT] No such mailbox";

    [Fact]
    public async Task GranteeWithoutRights_CannotReadAppendExpungeOrEvenSeeTheMailbox()
    {
        var box = ImapTranscript.Unique("Secret");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "", ImapTestMessages.Simple("secret"));
        await using var _ = c;
        await using var g = await host.LoginAsync(grantee);
        foreach (var name in new[] { AclTestUsers.Shared(owner, box), AclTestUsers.Shared(owner, "INBOX"), AclTestUsers.Shared(owner, box + "-missing") })
        {
            // Existing and missing mailboxes answer alike.
            Assert.Equal(["s1 " + NoSuchMailbox], await g.CommandAsync($"s1 SELECT {name}"));
            Assert.Equal(["s2 " + NoSuchMailbox], await g.CommandAsync($"s2 EXAMINE {name}"));
            Assert.Equal(["s3 " + NoSuchMailbox], await g.CommandAsync($"s3 STATUS {name} (MESSAGES)"));
            Assert.Equal(["s4 " + NoSuchMailbox], await g.CommandAsync($"s4 MYRIGHTS {name}"));
            Assert.Equal(["s5 " + NoSuchMailbox], await g.CommandAsync($"s5 GETACL {name}"));
            Assert.Equal(["s6 " + NoSuchMailbox], await g.CommandAsync($"s6 DELETE {name}"));
            Assert.Equal(["s7 " + NoSuchMailbox], await g.CommandAsync($"s7 SETACL {name} {grantee} lrswipkxtea"));
            Assert.Equal(["s8 " + NoSuchMailbox], await g.CommandAsync($"s8 GETMETADATA {name} /shared/comment"));
            await g.SendAsync(ImapTestMessages.AppendPlus("s9", name, ImapTestMessages.Simple("injected")));
            Assert.Equal(["s9 " + NoSuchMailbox], await g.ReadUntilTaggedAsync("s9"));
        }
        Assert.Equal(["l1 OK LIST completed"], await g.CommandAsync("l1 LIST \"\" \"Other Users/*\""));

        // COPY/MOVE into it from the grantee's own INBOX, and EXPUNGE of it, are refused too.
        await g.SendAsync(ImapTestMessages.AppendPlus("a1", "INBOX", ImapTestMessages.Simple("mine")));
        Assert.StartsWith("a1 OK", (await g.ReadUntilTaggedAsync("a1"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("e1 OK", (await g.CommandAsync("e1 SELECT INBOX"))[^1], StringComparison.Ordinal);
        Assert.Equal(["c1 " + NoSuchMailbox], await g.CommandAsync($"c1 COPY 1 {AclTestUsers.Shared(owner, box)}"));
        Assert.Equal(["c2 " + NoSuchMailbox], await g.CommandAsync($"c2 MOVE 1 {AclTestUsers.Shared(owner, box)}"));
        Assert.Equal([$"* STATUS \"{box}\" (MESSAGES 1)", "o1 OK STATUS completed"], await c.CommandAsync($"o1 STATUS {box} (MESSAGES)"));
    }

    [Fact]
    public async Task LookupOnly_ListsButCannotSelect_InsertOnly_IsADropBox()
    {
        var box = ImapTranscript.Unique("Drop");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "l", ImapTestMessages.Simple("one"));
        await using var _ = c;
        await using var g = await host.LoginAsync(grantee);
        var shared = AclTestUsers.Shared(owner, box);
        Assert.Contains($"* LIST (\\HasNoChildren) \"/\" {shared}", await g.CommandAsync("l1 LIST \"\" *"));
        Assert.Equal(["s1 NO [NOPERM] Permission denied (needs right r)"], await g.CommandAsync($"s1 SELECT {shared}"));
        Assert.Equal(["s2 NO [NOPERM] Permission denied (needs right r)"], await g.CommandAsync($"s2 STATUS {shared} (MESSAGES)"));

        Assert.Equal(["sa OK SETACL completed"], await c.CommandAsync($"sa SETACL {box} {grantee} i"));
        await g.SendAsync(ImapTestMessages.AppendPlus("a1", shared, ImapTestMessages.Simple("dropped"), "\\Seen \\Deleted \\Flagged"));
        Assert.StartsWith("a1 OK [APPENDUID ", (await g.ReadUntilTaggedAsync("a1"))[^1], StringComparison.Ordinal);
        Assert.Equal(["s3 NO [NOPERM] Permission denied (needs right r)"], await g.CommandAsync($"s3 SELECT {shared}"));
        Assert.DoesNotContain($"* LIST (\\HasNoChildren) \"/\" {shared}", await g.CommandAsync("l2 LIST \"\" *"));
        // Without s, t, w the flags given with APPEND are dropped.
        Assert.StartsWith("o1 OK", (await c.CommandAsync($"o1 EXAMINE {box}"))[^1], StringComparison.Ordinal);
        Assert.Contains("* 2 FETCH (FLAGS ())", await c.CommandAsync("o2 FETCH 2 FLAGS"));
    }

    [Fact]
    public async Task CrossDomainOwnerOrAnyone_NeverReachesOtherDomains()
    {
        var domain = "acl" + Guid.NewGuid().ToString("N")[..6] + ".test";
        var foreignOwner = await AclTestUsers.AddAsync(host, domain);
        var box = ImapTranscript.Unique("Public");
        await using (var f = await host.LoginAsync(foreignOwner))
        {
            await ImapTranscript.CreateWithAsync(f, box, ImapTestMessages.Simple("public"));
            Assert.Equal(["sa OK SETACL completed"], await f.CommandAsync($"sa SETACL {box} anyone lrswipkxtea"));
        }
        await using var local = await host.LoginAsync(await AclTestUsers.AddAsync(host));
        Assert.Equal(["s1 " + NoSuchMailbox], await local.CommandAsync($"s1 SELECT {AclTestUsers.Shared(foreignOwner, box)}"));
        Assert.Equal(["l1 OK LIST completed"], await local.CommandAsync("l1 LIST \"\" \"Other Users/*\""));

        // A user of the same domain on another mailbox node cannot reach it either.
        var elsewhere = await AclTestUsers.AddAsync(host, domain);
        await AclTestUsers.SetMailHostAsync(host, foreignOwner, "other-node.test");
        await using var sameDomain = await host.LoginAsync(elsewhere);
        Assert.Equal(["s2 " + NoSuchMailbox], await sameDomain.CommandAsync($"s2 SELECT {AclTestUsers.Shared(foreignOwner, box)}"));
    }

    [Fact]
    public async Task NameTricks_CannotEscapeTheOwnersGrantedMailboxes()
    {
        var box = ImapTranscript.Unique("Tricks");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "lrswipkxtea", ImapTestMessages.Simple("one"));
        await using var _ = c;
        var victim = await AclTestUsers.AddAsync(host);
        await using var g = await host.LoginAsync(grantee);
        string[] tricks =
        [
            $"\"Other Users/{owner}/{box}/../INBOX\"",
            $"\"Other Users/{owner}/../{victim}/INBOX\"",
            $"\"Other Users/../{victim}/INBOX\"",
            $"\"Other Users/{owner}/../../{victim}/INBOX\"",
            $"\"Other Users//{owner}/{box}\"",
            $"\"Other Users/{owner}//{box}\"",
            $"\"Other Users/{owner}/INBOX\"",
            $"\"Other Users/{grantee}/INBOX\"",
            $"\"Other Users/{victim}/INBOX\"",
            $"\"Other Users/{owner}\"",
            "\"Other Users\"",
            $"\"Other Users/{owner}/%\"",
            $"\"Other Users/{owner}/*\"",
            $"\"Other Users/{owner[..owner.IndexOf('@', StringComparison.Ordinal)]}/{box}\"",
        ];
        foreach (var name in tricks)
        {
            Assert.Equal(["s1 " + NoSuchMailbox], await g.CommandAsync($"s1 SELECT {name}"));
            Assert.Equal(["s2 " + NoSuchMailbox], await g.CommandAsync($"s2 GETACL {name}"));
        }

        // The owner part is case-insensitive, the mailbox part is not.
        Assert.Equal("u1 OK [READ-WRITE] SELECT completed", (await g.CommandAsync($"u1 SELECT \"Other Users/{owner.ToUpperInvariant()}/{box}\""))[^1]);
        Assert.Equal(["u2 " + NoSuchMailbox], await g.CommandAsync($"u2 SELECT \"Other Users/{owner}/{box.ToUpperInvariant()}\""));

        // The namespace is reserved in the user's own hierarchy, and top-level names in the owner's root need a parent.
        Assert.Equal(["k1 NO [NOPERM] Permission denied (needs right k)"], await g.CommandAsync("k1 CREATE \"Other Users\""));
        Assert.Equal(["k2 NO [NOPERM] Permission denied (needs right k)"], await g.CommandAsync($"k2 CREATE \"Other Users/{grantee}/Mine\""));
        Assert.Equal(["k3 NO [NOPERM] Permission denied (needs right k)"], await g.CommandAsync($"k3 CREATE \"Other Users/{owner}/TopLevel\""));
        Assert.Equal(["k4 NO [NOPERM] Permission denied (needs right k)"], await g.CommandAsync($"k4 CREATE \"Other Users/{victim}/{box}/x\""));
        Assert.Equal(["k5 NO [NOPERM] Permission denied (needs right k)"], await g.CommandAsync($"k5 CREATE \"Other Users/{owner}/{box}/*\""));
        Assert.Equal(["r1 NO [CANNOT] Cannot rename between users"], await g.CommandAsync($"r1 RENAME \"Other Users/{owner}/{box}\" \"Other Users/{victim}/{box}\""));
        Assert.Equal(["r2 NO [CANNOT] Cannot rename between users"], await g.CommandAsync($"r2 RENAME \"Other Users/{owner}/{box}\" Stolen"));
        Assert.StartsWith("r3 NO ", Assert.Single(await g.CommandAsync($"r3 RENAME INBOX \"Other Users/{owner}/{box}/x\"")), StringComparison.Ordinal);
        Assert.Equal(["l1 OK LIST completed"], await c.CommandAsync($"l1 LIST \"\" \"{box}/*\""));
    }

    [Fact]
    public async Task RevokedGrant_TakesEffectOnTheNextCommandOfASelectedSession()
    {
        var box = ImapTranscript.Unique("Revoke");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "lrsw", ImapTestMessages.Simple("one"));
        await using var _ = c;
        await using var g = await host.LoginAsync(grantee);
        Assert.Equal("e1 OK [READ-WRITE] SELECT completed", (await g.CommandAsync($"e1 SELECT {AclTestUsers.Shared(owner, box)}"))[^1]);
        Assert.Equal("f1 OK STORE completed", (await g.CommandAsync("f1 STORE 1 +FLAGS.SILENT (\\Flagged)"))[^1]);

        Assert.Equal(["s1 OK SETACL completed"], await c.CommandAsync($"s1 SETACL {box} {grantee} -w"));
        Assert.Equal(["f2 NO [NOPERM] Permission denied (needs right w)"], await g.CommandAsync("f2 STORE 1 -FLAGS.SILENT (\\Flagged)"));

        Assert.Equal(["d1 OK DELETEACL completed"], await c.CommandAsync($"d1 DELETEACL {box} {grantee}"));
        Assert.Equal(["f3 NO [NOPERM] Access to the selected mailbox was revoked"], await g.CommandAsync("f3 FETCH 1 BODY.PEEK[]"));
        Assert.StartsWith("f4 BAD ", Assert.Single(await g.CommandAsync("f4 FETCH 1 FLAGS")), StringComparison.Ordinal);
        Assert.Equal(["n1 OK NOOP completed"], await g.CommandAsync("n1 NOOP"));
    }
}
