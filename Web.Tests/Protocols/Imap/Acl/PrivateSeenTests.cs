using System.Text.RegularExpressions;

namespace Mail.Web.Tests.Protocols.Imap.Acl;

/// <summary>
/// Per-user \Seen on shared mailboxes (RFC 4314 §4, Dovecot's INDEXPVT): a grantee's \Seen is its own, the owner's
/// flags never change through it, and STATUS, SEARCH, FETCH, STORE and CONDSTORE agree for each user.
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed partial class PrivateSeenTests(ImapHostFixture host)
{
    [Fact]
    public async Task GranteeSeen_IsPrivate_OwnerFlagsUnchanged()
    {
        var box = ImapTranscript.Unique("Pvt");
        var (o, owner, bob) = await AclTestUsers.ShareAsync(host, box, "lrsw", ImapTestMessages.Simple("one"), ImapTestMessages.Simple("two"), ImapTestMessages.Simple("three"));
        await using var _ = o;
        var shared = AclTestUsers.Shared(owner, box);
        Assert.StartsWith("o1 OK [READ-WRITE]", (await o.CommandAsync($"o1 SELECT {box}"))[^1], StringComparison.Ordinal);
        Assert.Equal(["* 1 FETCH (FLAGS (\\Seen))", "o2 OK STORE completed"], Flags(await o.CommandAsync("o2 STORE 1 +FLAGS (\\Seen)")));

        await using var b = await host.LoginAsync(bob);
        // The owner's \Seen is not the grantee's: everything is unseen for bob.
        Assert.Equal([$"* STATUS {shared} (MESSAGES 3 UNSEEN 3)", "b1 OK STATUS completed"], await b.CommandAsync($"b1 STATUS {shared} (MESSAGES UNSEEN)"));
        Assert.StartsWith("b2 OK [READ-WRITE]", (await b.CommandAsync($"b2 SELECT {shared}"))[^1], StringComparison.Ordinal);
        Assert.Equal(["* 1 FETCH (FLAGS ())", "b3 OK FETCH completed"], Flags(await b.CommandAsync("b3 FETCH 1 FLAGS")));
        Assert.Equal(["* 2 FETCH (FLAGS (\\Seen))", "b4 OK STORE completed"], Flags(await b.CommandAsync("b4 STORE 2 +FLAGS (\\Seen)")));
        // A non-PEEK body fetch sets bob's \Seen only.
        var body = Flags(await b.CommandAsync("b5 FETCH 3 (BODY[TEXT])"));
        Assert.Contains(body, l => l.StartsWith("* 3 FETCH (", StringComparison.Ordinal) && l.Contains("FLAGS (\\Seen)", StringComparison.Ordinal));
        Assert.Equal(["* SEARCH 1", "b6 OK SEARCH completed"], await b.CommandAsync("b6 SEARCH UNSEEN"));
        Assert.Equal(["* SEARCH 2 3", "b7 OK SEARCH completed"], await b.CommandAsync("b7 SEARCH SEEN"));
        // \Flagged is a shared flag (right w): the owner sees it, and bob's \Seen stays bob's.
        Assert.Equal(["* 2 FETCH (FLAGS (\\Seen \\Flagged))", "b8 OK STORE completed"], Flags(await b.CommandAsync("b8 STORE 2 +FLAGS (\\Flagged)")));

        // The owner: only message 1 is seen, and message 2 gained \Flagged without \Seen.
        var noop = Flags(await o.CommandAsync("o3 NOOP"));
        Assert.Equal(["* 2 FETCH (UID 2 FLAGS (\\Flagged))", "o3 OK NOOP completed"], noop);
        Assert.Equal(["* SEARCH 2 3", "o4 OK SEARCH completed"], await o.CommandAsync("o4 SEARCH UNSEEN"));
        Assert.Equal([$"* STATUS \"{box}\" (UNSEEN 2)", "o5 OK STATUS completed"], await o.CommandAsync($"o5 STATUS {box} (UNSEEN)"));
        Assert.Equal([$"* STATUS {shared} (UNSEEN 1)", "b9 OK STATUS completed"], await b.CommandAsync($"b9 STATUS {shared} (UNSEEN)"));

        // Clearing bob's \Seen does not touch the owner's \Seen of message 1 (which bob never had).
        Assert.Equal(["* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS (\\Flagged))", "b10 OK STORE completed"], Flags(await b.CommandAsync("b10 STORE 1:2 -FLAGS (\\Seen)")));
        Assert.Equal(["o6 OK NOOP completed"], Flags(await o.CommandAsync("o6 NOOP")));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Seen))", "o7 OK FETCH completed"], Flags(await o.CommandAsync("o7 FETCH 1 FLAGS")));
    }

    [Fact]
    public async Task TwoGrantees_EachKeepsOwnSeen_AcrossSessions()
    {
        var box = ImapTranscript.Unique("Pvt");
        var (o, owner, bob) = await AclTestUsers.ShareAsync(host, box, "lrs", ImapTestMessages.Simple("one"), ImapTestMessages.Simple("two"));
        await using var _ = o;
        var carol = await AclTestUsers.AddAsync(host);
        Assert.Equal(["sa OK SETACL completed"], await o.CommandAsync($"sa SETACL {box} {carol} lrs"));
        var shared = AclTestUsers.Shared(owner, box);

        await using var b1 = await host.LoginAsync(bob);
        await using var b2 = await host.LoginAsync(bob);
        await using var c = await host.LoginAsync(carol);
        foreach (var (conn, tag) in new[] { (b1, "x1"), (b2, "x2"), (c, "x3") })
        {
            Assert.StartsWith(tag + " OK [READ-WRITE]", (await conn.CommandAsync($"{tag} SELECT {shared}"))[^1], StringComparison.Ordinal);
        }
        Assert.Equal(["* 1 FETCH (FLAGS (\\Seen))", "s1 OK STORE completed"], Flags(await b1.CommandAsync("s1 STORE 1 +FLAGS (\\Seen)")));
        // Bob's other session learns of his change; carol's does not (nothing changed for her).
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS (\\Seen))", "n1 OK NOOP completed"], Flags(await b2.CommandAsync("n1 NOOP")));
        Assert.Equal(["n2 OK NOOP completed"], Flags(await c.CommandAsync("n2 NOOP")));
        Assert.Equal(["* SEARCH 1 2", "s2 OK SEARCH completed"], await c.CommandAsync("s2 SEARCH UNSEEN"));
        Assert.Equal(["* 2 FETCH (FLAGS (\\Seen))", "s3 OK STORE completed"], Flags(await c.CommandAsync("s3 STORE 2 +FLAGS (\\Seen)")));
        Assert.Equal(["n3 OK NOOP completed"], Flags(await b1.CommandAsync("n3 NOOP")));

        // Kept across sessions: a new login of bob sees his \Seen, the owner sees none.
        await using var b3 = await host.LoginAsync(bob);
        Assert.Equal([$"* STATUS {shared} (UNSEEN 1)", "t1 OK STATUS completed"], await b3.CommandAsync($"t1 STATUS {shared} (UNSEEN)"));
        Assert.Equal([$"* STATUS \"{box}\" (UNSEEN 2)", "t2 OK STATUS completed"], await o.CommandAsync($"t2 STATUS {box} (UNSEEN)"));
        Assert.Contains($"* LIST (\\HasNoChildren) \"/\" {shared}", await c.CommandAsync($"t3 LIST \"\" {shared} RETURN (STATUS (UNSEEN))"));
        Assert.Contains($"* STATUS {shared} (UNSEEN 1)", await c.CommandAsync($"t4 LIST \"\" {shared} RETURN (STATUS (UNSEEN))"));
    }

    [Fact]
    public async Task CondStore_PrivateSeenTakesNewModSeq_OwnerSeesNoChange()
    {
        var box = ImapTranscript.Unique("Pvt");
        var (o, owner, bob) = await AclTestUsers.ShareAsync(host, box, "lrs", ImapTestMessages.Simple("one"), ImapTestMessages.Simple("two"));
        await using var _ = o;
        var shared = AclTestUsers.Shared(owner, box);
        Assert.Equal("e0 OK ENABLE completed", (await o.CommandAsync("e0 ENABLE CONDSTORE"))[^1]);
        Assert.StartsWith("o1 OK [READ-WRITE]", (await o.CommandAsync($"o1 SELECT {box}"))[^1], StringComparison.Ordinal);
        var ownerBefore = ModSeqs(Flags(await o.CommandAsync("o2 FETCH 1:* (MODSEQ)")));

        await using var b = await host.LoginAsync(bob);
        Assert.Equal("e1 OK ENABLE completed", (await b.CommandAsync("e1 ENABLE CONDSTORE"))[^1]);
        var select = await b.CommandAsync($"b1 SELECT {shared}");
        var highest = ulong.Parse(HighestModSeqRegex().Match(string.Join("\n", select)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var store = Flags(await b.CommandAsync($"b2 STORE 2 (UNCHANGEDSINCE {highest}) +FLAGS (\\Seen)"));
        var modseq = ModSeqs(store)[2];
        Assert.True(modseq > highest, string.Join("\n", store));
        Assert.Equal($"* 2 FETCH (MODSEQ ({modseq}) FLAGS (\\Seen))", store[0]);
        // CHANGEDSINCE and SEARCH MODSEQ follow bob's MODSEQ; a STORE conditional on the old one fails.
        Assert.Equal([$"* 2 FETCH (MODSEQ ({modseq}) FLAGS (\\Seen))", "b3 OK FETCH completed"], Flags(await b.CommandAsync($"b3 FETCH 1:* (FLAGS) (CHANGEDSINCE {highest})")));
        Assert.Equal([$"* SEARCH 2 (MODSEQ {modseq})", "b4 OK SEARCH completed"], await b.CommandAsync($"b4 SEARCH MODSEQ {highest + 1}"));
        Assert.Equal(["b5 OK [MODIFIED 2] Conditional STORE failed for some messages"], Flags(await b.CommandAsync($"b5 STORE 2 (UNCHANGEDSINCE {highest}) -FLAGS.SILENT (\\Seen)")));
        Assert.Equal([$"* STATUS {shared} (HIGHESTMODSEQ {modseq})", "b6 OK STATUS completed"], await b.CommandAsync($"b6 STATUS {shared} (HIGHESTMODSEQ)"));

        // The owner: HIGHESTMODSEQ covers bob's change, the messages did not change for her.
        Assert.Equal(["o3 OK NOOP completed"], Flags(await o.CommandAsync("o3 NOOP")));
        Assert.Equal(ownerBefore, ModSeqs(Flags(await o.CommandAsync("o4 FETCH 1:* (MODSEQ)"))));
        Assert.Equal([$"* STATUS \"{box}\" (HIGHESTMODSEQ {modseq})", "o5 OK STATUS completed"], await o.CommandAsync($"o5 STATUS {box} (HIGHESTMODSEQ)"));
        Assert.Equal(["o6 OK FETCH completed"], Flags(await o.CommandAsync($"o6 FETCH 1:* (FLAGS) (CHANGEDSINCE {highest})")));
    }

    [Fact]
    public async Task GranteeAppendAndCopyWithSeen_SetGranteeSeenOnly()
    {
        var box = ImapTranscript.Unique("Pvt");
        var (o, owner, bob) = await AclTestUsers.ShareAsync(host, box, "lrswi", ImapTestMessages.Simple("one"));
        await using var _ = o;
        var shared = AclTestUsers.Shared(owner, box);
        await using var b = await host.LoginAsync(bob);
        await b.SendAsync(ImapTestMessages.AppendPlus("a1", shared, ImapTestMessages.Simple("appended"), "\\Seen \\Flagged"));
        Assert.StartsWith("a1 OK [APPENDUID ", (await b.ReadUntilTaggedAsync("a1"))[^1], StringComparison.Ordinal);
        await b.SendAsync(ImapTestMessages.AppendPlus("a2", "INBOX", ImapTestMessages.Simple("mine"), "\\Seen"));
        Assert.StartsWith("a2 OK [APPENDUID ", (await b.ReadUntilTaggedAsync("a2"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("s1 OK", (await b.CommandAsync("s1 SELECT INBOX"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("c1 OK [COPYUID ", (await b.CommandAsync($"c1 COPY 1 {shared}"))[^1], StringComparison.Ordinal);

        Assert.StartsWith("s2 OK", (await b.CommandAsync($"s2 SELECT {shared}"))[^1], StringComparison.Ordinal);
        Assert.Equal(["* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS (\\Seen \\Flagged))", "* 3 FETCH (FLAGS (\\Seen))", "f1 OK FETCH completed"],
            Flags(await b.CommandAsync("f1 FETCH 1:* FLAGS")));
        Assert.StartsWith("s3 OK", (await o.CommandAsync($"s3 EXAMINE {box}"))[^1], StringComparison.Ordinal);
        Assert.Equal(["* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS (\\Flagged))", "* 3 FETCH (FLAGS ())", "f2 OK FETCH completed"],
            Flags(await o.CommandAsync("f2 FETCH 1:* FLAGS")));
    }

    /// <summary>The lines without \Recent (IMAP4rev1 sessions: the first session to see a message has it, RFC 3501 §2.3.2).</summary>
    private static List<string> Flags(List<string> lines) =>
        lines.ConvertAll(l => l.Replace("\\Recent ", "", StringComparison.Ordinal).Replace(" \\Recent", "", StringComparison.Ordinal).Replace("\\Recent", "", StringComparison.Ordinal));

    private static Dictionary<int, ulong> ModSeqs(IEnumerable<string> lines) =>
        lines.Select(l => FetchModSeqRegex().Match(l)).Where(m => m.Success)
            .ToDictionary(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m => ulong.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^\* (\d+) FETCH \(.*MODSEQ \((\d+)\)")]
    private static partial Regex FetchModSeqRegex();

    [GeneratedRegex(@"\[HIGHESTMODSEQ (\d+)\]")]
    private static partial Regex HighestModSeqRegex();
}
