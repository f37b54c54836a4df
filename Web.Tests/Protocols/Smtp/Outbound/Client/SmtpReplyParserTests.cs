using System.Buffers;
using System.Text;
using Mail.Protocols.Smtp.Outbound.Client;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound.Client;

/// <summary>The reply reader of our delivery client (RFC 5321 §4.2) and its limits, one rejection each.</summary>
public sealed class SmtpReplyParserTests
{
    private static (bool Ok, SmtpReply? Reply, SmtpClientRejectReason Rejection, long Left) Parse(string text)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));
        var ok = SmtpReplyParser.TryParse(ref buffer, out var reply, out var rejection);
        return (ok, reply, rejection, buffer.Length);
    }

    [Fact]
    public void MultiLine_IsOneReply_AndWhatFollowsIsLeft()
    {
        var (ok, reply, _, left) = Parse("250-first\r\n250-SIZE 10\r\n250 last\r\n354 next");
        Assert.True(ok);
        Assert.Equal(250, reply!.Code);
        Assert.Equal(["first", "SIZE 10", "last"], reply.Lines);
        Assert.Equal("354 next".Length, left);
    }

    [Theory]
    [InlineData("250 ok")]
    [InlineData("250-more\r\n")]
    [InlineData("")]
    public void Incomplete_NeedsMore(string text)
    {
        var (ok, _, rejection, _) = Parse(text);
        Assert.False(ok);
        Assert.Equal(SmtpClientRejectReason.None, rejection);
    }

    [Fact]
    public void BareLf_AndCodeOnly_AreAccepted()
    {
        var (ok, reply, _, _) = Parse("220\n");
        Assert.True(ok);
        Assert.Equal("220", reply!.ToString());
    }

    [Theory]
    [InlineData("25 short\r\n", nameof(SmtpClientRejectReason.MalformedReply))]
    [InlineData("250x no separator\r\n", nameof(SmtpClientRejectReason.MalformedReply))]
    [InlineData("150 not a reply code\r\n", nameof(SmtpClientRejectReason.MalformedReply))]
    [InlineData("250-one\r\n550 two\r\n", nameof(SmtpClientRejectReason.InconsistentReplyCode))]
    public void BadLines_AreRejected(string text, string expected)
    {
        var (ok, _, rejection, _) = Parse(text);
        Assert.False(ok);
        Assert.Equal(expected, rejection.ToString());
    }

    [Fact]
    public void LineOverMaxLineOctets_IsRejected_WithOrWithoutItsEnd()
    {
        var line = "250 " + new string('x', SmtpReplyParser.MaxLineOctets);
        Assert.Equal(SmtpClientRejectReason.ReplyLineTooLong, Parse(line + "\r\n").Rejection);
        Assert.Equal(SmtpClientRejectReason.ReplyLineTooLong, Parse(line).Rejection);
    }

    [Fact]
    public void MoreThanMaxLines_IsRejected()
    {
        var text = string.Concat(Enumerable.Repeat("250-x\r\n", SmtpReplyParser.MaxLines)) + "250 end\r\n";
        Assert.Equal(SmtpClientRejectReason.TooManyReplyLines, Parse(text).Rejection);
    }

    [Theory]
    [InlineData("a\nb", "a\r\nb\r\n")]
    [InlineData("a\rb\r\n", "a\r\nb\r\n")]
    [InlineData("a\r\n", "a\r\n")]
    public void WireLines_MakesEveryLineEndCrlf(string input, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(WireLines.ToCrlf(Encoding.ASCII.GetBytes(input))));
}
