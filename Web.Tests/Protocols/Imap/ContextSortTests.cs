using System.Globalization;
using System.Text.RegularExpressions;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>
/// CONTEXT=SORT (RFC 5267 §4): SORT RETURN (UPDATE) kept in sort order while another session changes flags, appends and
/// expunges; ADDTO/REMOVEFROM carry positions in the sorted result; CANCELUPDATE ends it.
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed partial class ContextSortTests(ImapHostFixture host)
{
    /// <summary>
    /// RFC 5267 §4.3.3/§4.3.4 as a client applies them: each <c>position set</c> pair in order, ADDTO inserting the set
    /// so its first member lands at the position, REMOVEFROM removing it from there. After every round of random changes
    /// by another session, the list so maintained equals a fresh UID SORT with the same criteria.
    /// </summary>
    [Fact]
    public async Task SortUpdate_RandomChanges_ClientAppliedPairsEqualFreshSort()
    {
        var mailbox = ImapTranscript.Unique("CtxModel");
        string[] subjects = ["delta", "alpha", "charlie", "bravo", "alpha", "echo", "bravo", "foxtrot"];
        await using var a = await ImapTranscript.MailboxWithAsync(host, mailbox, [.. subjects.Select(s => ImapTestMessages.Simple(s))]);
        await using var b = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {mailbox}"))[^1], StringComparison.Ordinal);
        var contexts = new Dictionary<string, (string Criteria, List<uint> Model)>
        {
            ["u1"] = ("(SUBJECT) UTF-8 UNSEEN", []),
            ["u2"] = ("(REVERSE ARRIVAL) UTF-8 FLAGGED", []),
            ["u3"] = ("(REVERSE SUBJECT SIZE) UTF-8 OR SEEN FLAGGED", []),
        };
        foreach (var (tag, (criteria, model)) in contexts)
        {
            var reply = await a.CommandAsync($"{tag} UID SORT RETURN (ALL UPDATE) {criteria}");
            Assert.Equal($"{tag} OK UID SORT completed", reply[^1]);
            model.AddRange(AllRegex().Match(reply[0]) is { Success: true } m ? Numbers(m.Groups[1].Value) : []);
            Assert.Equal(await FreshSortAsync(a, criteria), model);
        }

        var random = new Random(5267);
        var uidNext = (uint)subjects.Length + 1;
        var present = Enumerable.Range(1, subjects.Length).Select(i => (uint)i).ToList();
        for (var round = 0; round < 16; round++)
        {
            var pick = string.Join(',', present.OrderBy(_ => random.Next()).Take(random.Next(1, 4)));
            switch (random.Next(4))
            {
                case 0:
                    await b.CommandAsync($"r{round} UID STORE {pick} {(random.Next(2) == 0 ? '+' : '-')}FLAGS.SILENT (\\Seen)");
                    break;
                case 1:
                    await b.CommandAsync($"r{round} UID STORE {pick} {(random.Next(2) == 0 ? '+' : '-')}FLAGS.SILENT (\\Flagged)");
                    break;
                case 2:
                    var flags = random.Next(3) switch { 0 => "", 1 => "\\Flagged", _ => "\\Seen" };
                    await b.SendAsync(ImapTestMessages.AppendPlus($"r{round}", mailbox, ImapTestMessages.Simple(subjects[random.Next(subjects.Length)]), flags));
                    Assert.StartsWith($"r{round} OK", (await b.ReadUntilTaggedAsync($"r{round}"))[^1], StringComparison.Ordinal);
                    present.Add(uidNext++);
                    break;
                default:
                    if (present.Count > 4)
                    {
                        await b.CommandAsync($"r{round} UID STORE {pick} +FLAGS.SILENT (\\Deleted)");
                        await b.CommandAsync($"x{round} UID EXPUNGE {pick}");
                        present.RemoveAll(u => pick.Split(',').Contains(u.ToString(CultureInfo.InvariantCulture)));
                    }
                    break;
            }
            // Two changes in one round sometimes, so that removals and additions meet in one update.
            if (random.Next(3) == 0)
            {
                await b.CommandAsync($"y{round} UID STORE {present[random.Next(present.Count)]} -FLAGS.SILENT (\\Seen \\Flagged)");
            }
            foreach (var line in await a.CommandAsync($"n{round} NOOP"))
            {
                if (UpdateRegex().Match(line) is { Success: true } m)
                {
                    Apply(contexts[m.Groups[1].Value].Model, m.Groups[2].Value, m.Groups[3].Value);
                }
            }
            foreach (var (tag, (criteria, model)) in contexts)
            {
                Assert.True((await FreshSortAsync(a, criteria)).SequenceEqual(model), $"round {round}, context {tag}: model {string.Join(' ', model)}");
            }
        }
    }

    /// <summary>Applies the pairs of one ADDTO or REMOVEFROM (RFC 5267 §4.3.3, §4.3.4) to the client's list.</summary>
    private static void Apply(List<uint> model, string kind, string payload)
    {
        var tokens = payload.Split(' ');
        for (var i = 0; i + 1 < tokens.Length; i += 2)
        {
            var position = int.Parse(tokens[i], CultureInfo.InvariantCulture);
            var set = Numbers(tokens[i + 1]);
            Assert.True(position > 0, "a SORT context update carries positions");
            if (kind == "ADDTO")
            {
                model.InsertRange(position - 1, set);
            }
            else
            {
                Assert.Equal(set, model.GetRange(position - 1, set.Count));
                model.RemoveRange(position - 1, set.Count);
            }
        }
    }

    private static async Task<List<uint>> FreshSortAsync(ImapTestConnection c, string criteria)
    {
        var reply = await c.CommandAsync($"f UID SORT {criteria}");
        Assert.Equal("f OK UID SORT completed", reply[^1]);
        return Numbers(reply[0]["* SORT".Length..].Trim().Replace(' ', ','));
    }

    /// <summary>A set in the order written: <c>5,3,7:9</c> (a range <c>9:7</c> counts down).</summary>
    private static List<uint> Numbers(string set)
    {
        var result = new List<uint>();
        foreach (var part in set.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split(':');
            var first = uint.Parse(range[0], CultureInfo.InvariantCulture);
            var last = range.Length == 2 ? uint.Parse(range[1], CultureInfo.InvariantCulture) : first;
            var step = first <= last ? 1 : -1;
            for (var n = (long)first; n != (long)last + step; n += step)
            {
                result.Add((uint)n);
            }
        }
        return result;
    }

    [GeneratedRegex(@"^\* ESEARCH \(TAG ""u\d""\) UID ALL (\S+)$")]
    private static partial Regex AllRegex();

    [GeneratedRegex(@"^\* ESEARCH \(TAG ""(u\d)""\) UID (ADDTO|REMOVEFROM) \((.*)\)$")]
    private static partial Regex UpdateRegex();

    [Fact]
    public async Task SortUpdate_ReportsPositionsInSortedResult_UntilCancelled()
    {
        var mailbox = ImapTranscript.Unique("CtxSort");
        await using var a = await ImapTranscript.MailboxWithAsync(host, mailbox, ImapTestMessages.Simple("c"), ImapTestMessages.Simple("a"), ImapTestMessages.Simple("b"));
        await using var b = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {mailbox}"))[^1], StringComparison.Ordinal);

        Assert.Equal(["* ESEARCH (TAG \"s1\")", "s1 OK SORT completed"], await a.CommandAsync("s1 SORT RETURN (ALL UPDATE) (SUBJECT) UTF-8 FLAGGED"));
        Assert.Equal(["* ESEARCH (TAG \"s2\") UID ALL 1,3,2", "s2 OK UID SORT completed"], await a.CommandAsync("s2 UID SORT RETURN (UPDATE ALL) (REVERSE SUBJECT) UTF-8 UNDELETED"));

        await b.CommandAsync("b1 STORE 1,3 +FLAGS.SILENT (\\Flagged)");
        var noop = await a.CommandAsync("n1 NOOP");
        // Sorted by subject: "b" (message 3) at position 1, then "c" (message 1) at position 2.
        Assert.Contains("* ESEARCH (TAG \"s1\") ADDTO (1 3 2 1)", noop);

        await b.CommandAsync("b2 STORE 2 +FLAGS.SILENT (\\Flagged)");
        Assert.Contains("* ESEARCH (TAG \"s1\") ADDTO (1 2)", await a.CommandAsync("n2 NOOP"));

        await b.CommandAsync("b3 STORE 3 -FLAGS.SILENT (\\Flagged)");
        Assert.Contains("* ESEARCH (TAG \"s1\") REMOVEFROM (2 3)", await a.CommandAsync("n3 NOOP"));

        await b.SendAsync(ImapTestMessages.AppendPlus("b4", mailbox, ImapTestMessages.Simple("aa"), "\\Flagged"));
        await b.ReadUntilTaggedAsync("b4");
        noop = await a.CommandAsync("n4 NOOP");
        Assert.Contains("* 4 EXISTS", noop);
        Assert.Contains("* ESEARCH (TAG \"s1\") ADDTO (2 4)", noop);
        // Reverse subject: c b aa a, so "aa" (UID 4) goes to position 3.
        Assert.Contains("* ESEARCH (TAG \"s2\") UID ADDTO (3 4)", noop);

        await b.CommandAsync("b5 STORE 2 +FLAGS.SILENT (\\Deleted)");
        await b.CommandAsync("b6 EXPUNGE");
        noop = await a.CommandAsync("n5 NOOP");
        var removed = noop.IndexOf("* ESEARCH (TAG \"s1\") REMOVEFROM (1 2)");
        Assert.True(removed >= 0 && removed < noop.IndexOf("* 2 EXPUNGE"), string.Join(" | ", noop));
        // UID 2 ("a") was last in reverse subject order: c b aa a.
        Assert.Contains("* ESEARCH (TAG \"s2\") UID REMOVEFROM (4 2)", noop);

        Assert.Equal(["c1 OK CANCELUPDATE completed"], await a.CommandAsync("c1 CANCELUPDATE \"s1\" \"s2\""));
        await b.CommandAsync("b7 STORE 1 -FLAGS.SILENT (\\Flagged)");
        Assert.DoesNotContain(await a.CommandAsync("n6 NOOP"), l => l.StartsWith("* ESEARCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SortPartial_ReturnsPositionsInSortOrder()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("SortPart"),
            ImapTestMessages.Simple("d"), ImapTestMessages.Simple("b"), ImapTestMessages.Simple("a"), ImapTestMessages.Simple("c"));
        Assert.Equal(["* ESEARCH (TAG \"p1\") PARTIAL (2:3 2,4)", "p1 OK SORT completed"], await c.CommandAsync("p1 SORT RETURN (PARTIAL 3:2) (SUBJECT) UTF-8 ALL"));
        Assert.Equal(["* ESEARCH (TAG \"p2\") PARTIAL (5:9 NIL)", "p2 OK SORT completed"], await c.CommandAsync("p2 SORT RETURN (PARTIAL 5:9) (SUBJECT) UTF-8 ALL"));
        Assert.StartsWith("p3 BAD ", Assert.Single(await c.CommandAsync("p3 SORT RETURN (PARTIAL 1:*) (SUBJECT) UTF-8 ALL")), StringComparison.Ordinal);
    }
}
