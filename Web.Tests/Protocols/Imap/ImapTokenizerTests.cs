using System.Text;
using Mail.Protocols.Imap;
using Mail.Protocols.Imap.Protocol;

namespace Mail.Web.Tests.Protocols.Imap;

public sealed class ImapTokenizerTests
{
    private static ImapTokenizer Tokenizer(string text, int depth = 4) => new(Encoding.UTF8.GetBytes(text), depth);

    [Fact]
    public void ReadAString_AtomQuotedAndLiteral_Decoded()
    {
        var t = Tokenizer("abc \"q \\\"x\\\\\" {3}\r\nl\u00e9\r\n");
        Assert.True(t.TryReadAString(out var a));
        Assert.True(t.Space());
        Assert.True(t.TryReadAString(out var q));
        Assert.True(t.Space());
        Assert.True(t.TryReadAString(out var l));
        Assert.True(t.End());
        Assert.Equal(("abc", "q \"x\\", "l\u00e9"), (a, q, l));
    }

    [Fact]
    public void ReadString_UnterminatedQuoted_Fails()
    {
        var t = Tokenizer("\"abc\r\n");
        Assert.False(t.TryReadString(out _));
        Assert.NotNull(t.Error);
    }

    [Fact]
    public void ReadString_TruncatedLiteral_Fails()
    {
        var t = Tokenizer("{10}\r\nabc");
        Assert.False(t.TryReadString(out _));
        Assert.Equal("Truncated literal", t.Error);
    }

    [Fact]
    public void ReadSequenceSet_RangesAndStar_Contains()
    {
        var t = Tokenizer("1:3,7,9:*");
        Assert.True(t.TryReadSequenceSet(out var set));
        Assert.True(set.Contains(2, 20));
        Assert.False(set.Contains(5, 20));
        Assert.True(set.Contains(20, 20));
    }

    [Fact]
    public void ReadSequenceSet_Zero_Fails()
    {
        var t = Tokenizer("0:3");
        Assert.False(t.TryReadSequenceSet(out _));
    }

    [Fact]
    public void OpenList_BeyondMaxDepth_FailsWithNestingReason()
    {
        var t = Tokenizer("(((((x)))))", depth: 4);
        var opened = 0;
        while (t.TryOpenList())
        {
            opened++;
        }
        Assert.Equal(ImapRejectReason.NestingTooDeep, t.Reason);
        Assert.Equal(4, opened);
    }

    [Fact]
    public void ListMailbox_AllowsWildcards()
    {
        var t = Tokenizer("INBOX/%*");
        Assert.True(t.TryReadListMailbox(out var p));
        Assert.Equal("INBOX/%*", p);
    }

    [Theory]
    [InlineData("*", "a/b", true)]
    [InlineData("%", "a/b", false)]
    [InlineData("a/%", "a/b", true)]
    [InlineData("a%", "abc", true)]
    [InlineData("a*c", "a/b/c", true)]
    [InlineData("INBOX", "INBOX", true)]
    public void Wildcard_Matches(string pattern, string name, bool expected) => Assert.Equal(expected, ImapWildcard.Matches(pattern, name));

    [Theory]
    [InlineData("Entw\u00fcrfe", "Entw&APw-rfe")]
    [InlineData("a&b", "a&-b")]
    [InlineData("\u65e5\u672c\u8a9e", "&ZeVnLIqe-")]
    public void MailboxName_ModifiedUtf7_RoundTrips(string name, string wire)
    {
        Assert.Equal(wire, ImapMailboxName.EncodeUtf7(name));
        Assert.True(ImapMailboxName.TryDecodeUtf7(wire, out var decoded));
        Assert.Equal(name, decoded);
    }

    [Fact]
    public void MailboxName_InboxAnyCase_Canonical() => Assert.Equal("INBOX/x", ImapMailboxName.FromWire("inbox/x", utf8: false));

    [Fact]
    public void DateTime_FormatAndParse_RoundTrip()
    {
        var value = new DateTimeOffset(2024, 3, 5, 7, 8, 9, TimeSpan.FromHours(-7));
        var text = ImapDateTime.Format(value);
        Assert.Equal("\" 5-Mar-2024 07:08:09 -0700\"", text);
        Assert.True(ImapDateTime.TryParseDateTime(text.Trim('"'), out var parsed));
        Assert.Equal(value, parsed);
    }
}
