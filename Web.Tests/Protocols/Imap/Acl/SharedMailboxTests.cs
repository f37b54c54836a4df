using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap.Acl;

/// <summary>The "Other Users" namespace (RFC 2342) and rights enforcement on shared mailboxes (RFC 4314 §4).</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SharedMailboxTests(ImapHostFixture host)
{
    [Fact]
    public async Task Namespace_AdvertisesOtherUsers()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal(["* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) NIL", "n1 OK NAMESPACE completed"], await c.CommandAsync("n1 NAMESPACE"));
    }

    [Fact]
    public async Task Grantee_ListsStatusesAndExaminesSharedMailbox()
    {
        var box = ImapTranscript.Unique("Team");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "lr", ImapTestMessages.Simple("one"), ImapTestMessages.Simple("two"));
        await using var _ = c;
        // A new child inherits the parent's ACL; the owner then takes the grant away from it.
        Assert.StartsWith("c2 OK", (await c.CommandAsync($"c2 CREATE {box}/Private"))[^1], StringComparison.Ordinal);
        Assert.Equal([$"* ACL \"{box}/Private\" {owner} lrswipkxteacd {grantee} lr", "c3 OK GETACL completed"], await c.CommandAsync($"c3 GETACL {box}/Private"));
        Assert.Equal(["c4 OK DELETEACL completed"], await c.CommandAsync($"c4 DELETEACL {box}/Private {grantee}"));
        await using var g = await host.LoginAsync(grantee);
        var shared = AclTestUsers.Shared(owner, box);

        var list = await g.CommandAsync("l1 LIST \"\" \"Other Users/*\"");
        Assert.Equal(
        [
            $"* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users/{owner}\"",
            $"* LIST (\\HasNoChildren) \"/\" {shared}",
            "l1 OK LIST completed",
        ], list);
        Assert.Contains("* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users\"", await g.CommandAsync("l0 LIST \"\" %"));
        Assert.DoesNotContain(list, l => l.Contains(box + "/Private", StringComparison.Ordinal));
        Assert.Contains($"* LIST (\\HasNoChildren) \"/\" {shared}", await g.CommandAsync("l2 LIST \"\" *"));
        Assert.Equal([$"* LIST (\\HasNoChildren) \"/\" {shared}", $"* STATUS {shared} (MESSAGES 2 UNSEEN 2)", "l3 OK LIST completed"],
            await g.CommandAsync($"l3 LIST \"\" {shared} RETURN (STATUS (MESSAGES UNSEEN))"));
        Assert.Equal([$"* STATUS {shared} (MESSAGES 2 UIDNEXT 3)", "s1 OK STATUS completed"], await g.CommandAsync($"s1 STATUS {shared} (MESSAGES UIDNEXT)"));

        Assert.Equal(["u1 OK SUBSCRIBE completed"], await g.CommandAsync($"u1 SUBSCRIBE {shared}"));
        Assert.Equal([$"* LSUB () \"/\" {shared}", "u2 OK LSUB completed"], await g.CommandAsync($"u2 LSUB \"\" {shared}"));

        // lr only: SELECT opens read-only (no s, w, t, e) and a body fetch does not set \Seen.
        var select = await g.CommandAsync($"e1 SELECT {shared}");
        Assert.Contains("* 2 EXISTS", select);
        Assert.Contains("* OK [PERMANENTFLAGS ()] No permanent flags permitted", select);
        Assert.Equal("e1 OK [READ-ONLY] SELECT completed", select[^1]);
        var fetch = await g.CommandAsync("f1 FETCH 1 (BODY[TEXT] FLAGS)");
        Assert.DoesNotContain(fetch, l => l.Contains("\\Seen", StringComparison.Ordinal));
        Assert.Equal(["f2 NO [READ-ONLY] Mailbox is read-only"], await g.CommandAsync("f2 STORE 1 +FLAGS (\\Seen)"));
        Assert.Equal(["f3 NO [READ-ONLY] Mailbox is read-only"], await g.CommandAsync("f3 EXPUNGE"));
        Assert.Equal("f4 OK UID SEARCH completed", (await g.CommandAsync("f4 UID SEARCH BODY world"))[^1]);
    }

    [Fact]
    public async Task PartialRights_EachCommandChecksItsRight()
    {
        var box = ImapTranscript.Unique("Part");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "lrs", ImapTestMessages.Simple("one"));
        await using var _ = c;
        await using var g = await host.LoginAsync(grantee);
        var shared = AclTestUsers.Shared(owner, box);

        var select = await g.CommandAsync($"e1 SELECT {shared}");
        Assert.Contains("* OK [PERMANENTFLAGS (\\Seen)] Flags permitted", select);
        Assert.Equal("e1 OK [READ-WRITE] SELECT completed", select[^1]);
        var seen = await g.CommandAsync("f1 STORE 1 +FLAGS (\\Seen)");
        Assert.Contains(seen, l => l.StartsWith("* 1 FETCH (FLAGS (", StringComparison.Ordinal) && l.Contains("\\Seen", StringComparison.Ordinal));
        Assert.Equal(["f2 NO [NOPERM] Permission denied (needs right w)"], await g.CommandAsync("f2 STORE 1 +FLAGS (\\Flagged)"));
        Assert.Equal(["f3 NO [NOPERM] Permission denied (needs right t)"], await g.CommandAsync("f3 STORE 1 +FLAGS (\\Deleted)"));
        Assert.Equal(["f4 NO [NOPERM] Permission denied (needs right wt)"], await g.CommandAsync("f4 STORE 1 FLAGS (\\Seen)"));
        Assert.Equal(["f5 NO [NOPERM] Permission denied (needs right e)"], await g.CommandAsync("f5 EXPUNGE"));
        Assert.Equal(["f6 NO [NOPERM] Permission denied (needs right te)"], await g.CommandAsync("f6 MOVE 1 INBOX"));
        Assert.Equal(["f7 NO [NOPERM] Permission denied (needs right i)"], await g.CommandAsync($"f7 COPY 1 {shared}"));
        Assert.StartsWith("f8 OK [COPYUID ", (await g.CommandAsync("f8 COPY 1 INBOX"))[^1], StringComparison.Ordinal);

        await g.SendAsync(ImapTestMessages.AppendPlus("a1", shared, ImapTestMessages.Simple("new")));
        Assert.Equal(["a1 NO [NOPERM] Permission denied (needs right i)"], await g.ReadUntilTaggedAsync("a1"));
        Assert.Equal(["k1 NO [NOPERM] Permission denied (needs right k)"], await g.CommandAsync($"k1 CREATE \"Other Users/{owner}/{box}/Child\""));
        Assert.Equal(["x1 NO [NOPERM] Permission denied (needs right x)"], await g.CommandAsync($"x1 DELETE {shared}"));
        Assert.Equal(["x2 NO [NOPERM] Permission denied (needs right x)"], await g.CommandAsync($"x2 RENAME {shared} \"Other Users/{owner}/{box}x\""));
        Assert.Equal(["c1 OK CLOSE completed"], await g.CommandAsync("c1 CLOSE"));
    }

    [Fact]
    public async Task FullRights_AppendCopyMoveExpungeCreateRenameDelete()
    {
        var box = ImapTranscript.Unique("Full");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "lrswipkxte", ImapTestMessages.Simple("one"));
        await using var _ = c;
        await using var g = await host.LoginAsync(grantee);
        var shared = AclTestUsers.Shared(owner, box);

        await g.SendAsync(ImapTestMessages.AppendPlus("a1", shared, ImapTestMessages.Simple("appended"), "\\Flagged"));
        Assert.StartsWith("a1 OK [APPENDUID ", (await g.ReadUntilTaggedAsync("a1"))[^1], StringComparison.Ordinal);
        await g.SendAsync(ImapTestMessages.AppendPlus("a2", "INBOX", ImapTestMessages.Simple("mine")));
        Assert.StartsWith("a2 OK", (await g.ReadUntilTaggedAsync("a2"))[^1], StringComparison.Ordinal);

        // Own INBOX → shared mailbox: a copy between two stores, with COPYUID.
        Assert.StartsWith("e1 OK [READ-WRITE]", (await g.CommandAsync("e1 SELECT INBOX"))[^1], StringComparison.Ordinal);
        Assert.Matches(@"^c1 OK \[COPYUID \d+ 1 3\] COPY completed$", (await g.CommandAsync($"c1 COPY 1 {shared}"))[^1]);

        var select = await g.CommandAsync($"e2 SELECT {shared}");
        Assert.Contains("* 3 EXISTS", select);
        Assert.Equal("e2 OK [READ-WRITE] SELECT completed", select[^1]);
        Assert.Contains(await g.CommandAsync("f1 FETCH 2 (UID FLAGS)"), l => l.StartsWith("* 2 FETCH (UID 2 FLAGS (", StringComparison.Ordinal) && l.Contains("\\Flagged", StringComparison.Ordinal));
        var move = await g.CommandAsync("m1 MOVE 1 INBOX");
        Assert.Contains("* 1 EXPUNGE", move);
        Assert.Equal("m1 OK MOVE completed", move[^1]);
        Assert.StartsWith("* 1 FETCH", (await g.CommandAsync("s1 STORE 1 +FLAGS (\\Deleted)"))[0], StringComparison.Ordinal);
        Assert.Equal(["* 1 EXPUNGE", "x1 OK EXPUNGE completed"], await g.CommandAsync("x1 EXPUNGE"));

        Assert.StartsWith("k1 OK", (await g.CommandAsync($"k1 CREATE \"Other Users/{owner}/{box}/Child\""))[^1], StringComparison.Ordinal);
        Assert.StartsWith("r1 OK", (await g.CommandAsync($"r1 RENAME \"Other Users/{owner}/{box}/Child\" \"Other Users/{owner}/{box}/Renamed\""))[^1], StringComparison.Ordinal);
        Assert.Equal(["r2 NO [CANNOT] Cannot rename between users"], await g.CommandAsync($"r2 RENAME \"Other Users/{owner}/{box}/Renamed\" Mine"));
        Assert.Contains($"* LIST (\\HasNoChildren) \"/\" \"{box}/Renamed\"", await c.CommandAsync($"l1 LIST \"\" \"{box}/*\""));
        Assert.Equal(["d1 OK DELETE completed"], await g.CommandAsync($"d1 DELETE \"Other Users/{owner}/{box}/Renamed\""));
        Assert.Equal(["l2 OK LIST completed"], await c.CommandAsync($"l2 LIST \"\" \"{box}/*\""));
    }

    [Fact]
    public async Task OwnerAndGrantee_SeeEachOthersChanges()
    {
        var box = ImapTranscript.Unique("Sync");
        var (c, owner, grantee) = await AclTestUsers.ShareAsync(host, box, "lrswite", ImapTestMessages.Simple("one"));
        await using var _ = c;
        await using var g = await host.LoginAsync(grantee);
        var shared = AclTestUsers.Shared(owner, box);
        Assert.StartsWith("o1 OK [READ-WRITE]", (await c.CommandAsync($"o1 SELECT {box}"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("g1 OK [READ-WRITE]", (await g.CommandAsync($"g1 SELECT {shared}"))[^1], StringComparison.Ordinal);

        // The grantee idles; the owner's new message wakes it.
        await g.SendAsync("i1 IDLE\r\n");
        Assert.StartsWith("+ ", await g.ReadLineAsync(), StringComparison.Ordinal);
        await c.SendAsync(ImapTestMessages.AppendPlus("a1", box, ImapTestMessages.Simple("two")));
        Assert.StartsWith("a1 OK", (await c.ReadUntilTaggedAsync("a1"))[^1], StringComparison.Ordinal);
        Assert.Equal("* 2 EXISTS", await g.ReadLineAsync());
        await g.SendAsync("DONE\r\n");
        Assert.Equal("i1 OK IDLE terminated", (await g.ReadUntilTaggedAsync("i1"))[^1]);

        // The grantee's flag change reaches the owner; the owner's expunge reaches the grantee.
        Assert.StartsWith("g2 OK", (await g.CommandAsync("g2 STORE 1 +FLAGS.SILENT (\\Flagged \\Deleted)"))[^1], StringComparison.Ordinal);
        var noop = await c.CommandAsync("o2 NOOP");
        Assert.Contains(noop, l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal) && l.Contains("\\Flagged \\Deleted", StringComparison.Ordinal));
        Assert.Equal(["* 1 EXPUNGE", "o3 OK EXPUNGE completed"], await c.CommandAsync("o3 EXPUNGE"));
        Assert.Equal(["* 1 EXPUNGE", "g3 OK NOOP completed"], await g.CommandAsync("g3 NOOP"));
    }
}
