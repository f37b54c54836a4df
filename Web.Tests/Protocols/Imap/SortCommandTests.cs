using Mail.Protocols.Imap.Search;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>SORT and UID SORT (RFC 5256 §3, SORT=DISPLAY RFC 5957) and the base subject (RFC 5256 §2.1).</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SortCommandTests(ImapHostFixture host)
{
    private static string Message(string subject, string from, string date) =>
        $"From: {from}\r\nTo: x@example.com\r\nSubject: {subject}\r\nDate: {date}\r\n\r\nbody\r\n";

    [Theory]
    [InlineData("Re: [FWD: c]", "c")]
    [InlineData("[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)", "b")]
    [InlineData("re: [fwd: [fwd: re: [fwd: babylon]]]", "babylon")]
    [InlineData("[xyz]", "[xyz]")]
    [InlineData("Ad: Re: x", "Ad: Re: x")]
    [InlineData("  ", "")]
    public void BaseSubject_StripsPrefixesAndWrappers(string subject, string expected) =>
        Assert.Equal(expected, ImapBaseSubject.Extract(subject));

    [Fact]
    public async Task Sort_BySubjectSizeAndReverse_OrdersWithSequenceTiebreak()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("So"),
            Message("Re: beta", "Zed <z@example.com>", "Mon, 1 Jan 2024 10:00:00 +0000"),
            Message("alpha", "amy@example.com", "Mon, 1 Jan 2024 09:00:00 +0000"),
            Message("Fwd: Beta", "Bob <b@example.com>", "Mon, 1 Jan 2024 11:00:00 +0000"));
        Assert.Equal(["* SORT 2 1 3", "s1 OK SORT completed"], await c.CommandAsync("s1 SORT (SUBJECT) UTF-8 ALL"));
        Assert.Equal(["* SORT 1 3 2", "s2 OK SORT completed"], await c.CommandAsync("s2 SORT (REVERSE SUBJECT) UTF-8 ALL"));
        Assert.Equal(["* SORT 2 1 3", "s3 OK SORT completed"], await c.CommandAsync("s3 SORT (DATE) US-ASCII ALL"));
        Assert.Equal(["* SORT 2 3 1", "s4 OK SORT completed"], await c.CommandAsync("s4 SORT (FROM) UTF-8 ALL"));
        Assert.Equal(["* SORT 2 3 1", "s5 OK SORT completed"], await c.CommandAsync("s5 SORT (DISPLAYFROM) UTF-8 ALL"));
        Assert.Equal(["* SORT 3 1", "s6 OK SORT completed"], await c.CommandAsync("s6 SORT (REVERSE DATE) UTF-8 NOT SUBJECT alpha"));
        Assert.Equal(["* SORT 3 1", "s7 OK UID SORT completed"], await c.CommandAsync("s7 UID SORT (REVERSE ARRIVAL) UTF-8 UID 1,3"));
    }

    [Fact]
    public async Task SortReturn_AnswersWithEsearchInSortOrder()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("So"),
            Message("b", "x@example.com", "Mon, 1 Jan 2024 10:00:00 +0000"),
            Message("c", "x@example.com", "Mon, 1 Jan 2024 10:00:00 +0000"),
            Message("a", "x@example.com", "Mon, 1 Jan 2024 10:00:00 +0000"));
        Assert.Equal(["* ESEARCH (TAG \"e1\") MIN 3 MAX 2 COUNT 3 ALL 3,1:2", "e1 OK SORT completed"],
            await c.CommandAsync("e1 SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL"));
        Assert.Equal(["* ESEARCH (TAG \"e2\") UID ALL 3,1", "e2 OK UID SORT completed"], await c.CommandAsync("e2 UID SORT RETURN () (SUBJECT) UTF-8 UID 1,3"));
    }

    [Fact]
    public async Task Sort_Rfc5256Example_SubjectThenReverseDate()
    {
        // RFC 5256 §3's example "A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL" answered "* SORT 5 3 4 1 2": five messages
        // whose base subjects and dates give that order.
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("So"),
            Message("Re: gamma", "a@example.com", "Mon, 1 Jan 2024 12:00:00 +0000"),
            Message("gamma", "a@example.com", "Mon, 1 Jan 2024 11:00:00 +0000"),
            Message("Fwd: beta", "a@example.com", "Mon, 1 Jan 2024 13:00:00 +0100"),
            Message("[list] beta", "a@example.com", "Mon, 1 Jan 2024 11:30:00 +0000"),
            Message("alpha", "a@example.com", "Mon, 1 Jan 2024 09:00:00 +0000"));
        Assert.Equal(["* SORT 5 3 4 1 2", "A283 OK SORT completed"], await c.CommandAsync("A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL"));
        Assert.Equal(["* SORT", "A284 OK SORT completed"], await c.CommandAsync("A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\""));
    }

    [Fact]
    public async Task Sort_AddressCriteria_UseTheFirstAddressMailbox_TiesBySequenceNumber()
    {
        static string Mail(string from, string to, string cc) => $"From: {from}\r\nTo: {to}\r\nCc: {cc}\r\nSubject: s\r\n\r\nbody\r\n";
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("So"),
            Mail("\"Zed\" <ann@example.com>", "zoe@example.com", "Bee <b@example.com>"),
            Mail("bob@example.com, aaron@example.com", "Team: yan@example.com;", "a@example.com"),
            Mail("ANN@example.org", "xavier@example.com, a@example.com", "c@example.com"));
        // addr-mailbox of the first From: ann, bob, ANN; i;ascii-casemap makes the two "ann" equal, so 1 before 3.
        Assert.Equal(["* SORT 1 3 2", "f1 OK SORT completed"], await c.CommandAsync("f1 SORT (FROM) UTF-8 ALL"));
        Assert.Equal(["* SORT 2 1 3", "f2 OK SORT completed"], await c.CommandAsync("f2 SORT (REVERSE FROM) UTF-8 ALL"));
        // To: zoe, the group name "Team", xavier.
        Assert.Equal(["* SORT 2 3 1", "f3 OK SORT completed"], await c.CommandAsync("f3 SORT (TO) UTF-8 ALL"));
        Assert.Equal(["* SORT 2 1 3", "f4 OK SORT completed"], await c.CommandAsync("f4 SORT (CC) UTF-8 ALL"));
        // DISPLAYFROM: "Zed", then the addr-specs of the others.
        Assert.Equal(["* SORT 3 2 1", "f5 OK SORT completed"], await c.CommandAsync("f5 SORT (DISPLAYFROM) UTF-8 ALL"));
        Assert.Equal(["* SORT 1 3", "f6 OK UID SORT completed"], await c.CommandAsync("f6 UID SORT (FROM) UTF-8 UID 1,3"));
    }

    [Fact]
    public async Task Sort_FollowsNewAndExpungedMessages()
    {
        var mailbox = ImapTranscript.Unique("So");
        await using var c = await ImapTranscript.MailboxWithAsync(host, mailbox,
            Message("delta", "d@example.com", "Mon, 1 Jan 2024 10:00:00 +0000"),
            Message("bravo", "b@example.com", "Mon, 1 Jan 2024 10:00:00 +0000"),
            Message("charlie", "c@example.com", "Mon, 1 Jan 2024 10:00:00 +0000"));
        Assert.Equal(["* ESEARCH (TAG \"p1\") UID PARTIAL (1:2 2:3)", "p1 OK UID SORT completed"], await c.CommandAsync("p1 UID SORT RETURN (PARTIAL 1:2) (SUBJECT) UTF-8 ALL"));
        await c.SendAsync(ImapTestMessages.AppendPlus("ap", mailbox, Message("alpha", "a@example.com", "Mon, 1 Jan 2024 10:00:00 +0000")));
        Assert.StartsWith("ap OK", (await c.ReadUntilTaggedAsync("ap"))[^1], StringComparison.Ordinal);
        Assert.Contains("* SORT 4 2 3 1", await c.CommandAsync("s1 SORT (SUBJECT) UTF-8 ALL"));
        Assert.StartsWith("e1 OK", (await c.CommandAsync("e1 UID STORE 2 +FLAGS.SILENT (\\Deleted)"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("e2 OK", (await c.CommandAsync("e2 EXPUNGE"))[^1], StringComparison.Ordinal);
        Assert.Equal(["* SORT 4 3 1", "s2 OK UID SORT completed"], await c.CommandAsync("s2 UID SORT (SUBJECT) UTF-8 ALL"));
        Assert.Equal(["* SORT 3 2 1", "s3 OK SORT completed"], await c.CommandAsync("s3 SORT (FROM) UTF-8 ALL"));
    }

    [Fact]
    public async Task SortDate_WithoutDateHeader_UsesInternalDate()
    {
        var mailbox = ImapTranscript.Unique("So");
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("c1 OK", (await c.CommandAsync($"c1 CREATE {mailbox}"))[^1], StringComparison.Ordinal);
        (string Text, string InternalDate)[] messages =
        [
            (Message("a", "a@example.com", "Wed, 3 Jan 2024 10:00:00 +0000"), "01-Jan-2024 10:00:00 +0000"),
            ("From: b@example.com\r\nSubject: no date\r\n\r\nbody\r\n", "02-Jan-2024 10:00:00 +0000"),
            (Message("c", "c@example.com", "not a date"), "04-Jan-2024 10:00:00 +0000"),
            // An hour out of range cannot be parsed either (MimeKit alone would roll it over to 4 Jan 2024 03:39).
            (Message("d", "d@example.com", "Wed, 3 Jan 2024 27:39:33 +0000"), "05-Jan-2024 10:00:00 +0000"),
        ];
        for (var i = 0; i < messages.Length; i++)
        {
            var (text, date) = messages[i];
            await c.SendAsync($"a{i} APPEND {mailbox} \"{date}\" {{{System.Text.Encoding.UTF8.GetByteCount(text)}+}}\r\n{text}\r\n");
            Assert.StartsWith($"a{i} OK", (await c.ReadUntilTaggedAsync($"a{i}"))[^1], StringComparison.Ordinal);
        }
        Assert.StartsWith("s OK", (await c.CommandAsync($"s SELECT {mailbox}"))[^1], StringComparison.Ordinal);
        Assert.Equal(["* SORT 2 1 3 4", "d1 OK SORT completed"], await c.CommandAsync("d1 SORT (DATE) UTF-8 ALL"));
        Assert.Equal(["* SORT 1 2 3 4", "d2 OK SORT completed"], await c.CommandAsync("d2 SORT (ARRIVAL) UTF-8 ALL"));
    }

    [Fact]
    public async Task Sort_OrdersDerivedAfterChanges_MatchAFreshSort()
    {
        // The shared snapshot derives its orders from the previous version's after appends and expunges; each answer
        // must equal the order computed from scratch here (keys: base subject and addr-mailbox, i;ascii-casemap; ties by
        // sequence number).
        string[] subjects = ["apple", "Banana", "cherry", "Re: apple", "date", "[x] Fwd: banana"];
        string[] bases = ["APPLE", "BANANA", "CHERRY", "APPLE", "DATE", "BANANA"];
        string[] senders = ["x", "Y", "z", "a", "y"];
        var random = new Random(5256);
        var mailbox = ImapTranscript.Unique("So");
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("c1 OK", (await c.CommandAsync($"c1 CREATE {mailbox}"))[^1], StringComparison.Ordinal);
        var live = new List<(uint Uid, string Subject, string From, int Minute)>();
        var nextUid = 1u;
        async Task AppendAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var (s, f, m) = (random.Next(subjects.Length), random.Next(senders.Length), random.Next(600));
                var text = Message(subjects[s], senders[f] + "@example.com", $"Mon, 1 Jan 2024 {m / 60:00}:{m % 60:00}:00 +0000");
                await c.SendAsync(ImapTestMessages.AppendPlus("ap", mailbox, text));
                Assert.StartsWith("ap OK", (await c.ReadUntilTaggedAsync("ap"))[^1], StringComparison.Ordinal);
                live.Add((nextUid++, bases[s], senders[f].ToUpperInvariant(), m));
            }
        }
        async Task CheckAsync(string tag)
        {
            var seq = live.Select((m, i) => (m, Seq: i + 1)).ToList();
            static string Expect(IEnumerable<int> order) => "* SORT" + string.Concat(order.Select(n => " " + n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var bySubject = seq.OrderBy(x => x.m.Subject, StringComparer.Ordinal).ThenBy(x => x.Seq).Select(x => x.Seq);
            var byFromReverse = seq.OrderByDescending(x => x.m.From, StringComparer.Ordinal).ThenBy(x => x.Seq).Select(x => x.Seq);
            var byDate = seq.OrderBy(x => x.m.Minute).ThenBy(x => x.Seq).Select(x => x.Seq);
            Assert.Contains(Expect(bySubject), await c.CommandAsync(tag + "a SORT (SUBJECT) UTF-8 ALL"));
            Assert.Contains(Expect(byFromReverse), await c.CommandAsync(tag + "b SORT (REVERSE FROM) UTF-8 ALL"));
            Assert.Contains(Expect(byDate), await c.CommandAsync(tag + "c SORT (DATE) UTF-8 ALL"));
        }
        await AppendAsync(24);
        Assert.StartsWith("s OK", (await c.CommandAsync($"s SELECT {mailbox}"))[^1], StringComparison.Ordinal);
        await CheckAsync("k0");
        for (var round = 1; round <= 3; round++)
        {
            await AppendAsync(3);
            var gone = live.OrderBy(_ => random.Next()).Take(2).Select(m => m.Uid).ToList();
            Assert.StartsWith("d OK", (await c.CommandAsync($"d UID STORE {string.Join(',', gone)} +FLAGS.SILENT (\\Deleted)"))[^1], StringComparison.Ordinal);
            Assert.StartsWith("e OK", (await c.CommandAsync("e EXPUNGE"))[^1], StringComparison.Ordinal);
            live.RemoveAll(m => gone.Contains(m.Uid));
            await CheckAsync("k" + round);
        }
    }

    [Theory]
    [InlineData("abc", "ABC")]
    [InlineData("Ab-é z", "AB-é Z")]
    [InlineData("", "")]
    public void CaseMap_FoldsAsciiLettersOnly(string value, string expected) =>
        Assert.Equal(expected, Mail.Protocols.Imap.Session.Views.ImapSortKeyCache.CaseMap(value));

    [Fact]
    public async Task Sort_BadCriteriaOrCharset_IsRejected()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("So"), ImapTestMessages.Simple());
        Assert.StartsWith("b1 BAD", (await c.CommandAsync("b1 SORT (BOGUS) UTF-8 ALL"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("b2 BAD", (await c.CommandAsync("b2 SORT () UTF-8 ALL"))[^1], StringComparison.Ordinal);
        Assert.Equal(["b3 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"], await c.CommandAsync("b3 SORT (SIZE) KOI8-R ALL"));
    }
}
