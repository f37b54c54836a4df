using System.Text;
using Mail.Protocols.Smtp;
using Mail.Protocols.Smtp.Wire;

namespace Mail.Web.Tests.Protocols.Smtp.Wire;

/// <summary>Unit tests of the DATA scanner: the same verdict whatever the read boundaries.</summary>
public sealed class SmtpDataScannerTests
{
    private static (SmtpInRejectReason Rejection, int Consumed, int Clean) ScanInChunks(string wire, int chunk, long maxLine = 1000, long maxMessage = 100_000)
    {
        var bytes = Encoding.ASCII.GetBytes(wire);
        var scanner = new SmtpDataScanner(maxLine, maxMessage);
        var consumed = 0;
        var clean = 0;
        while (consumed < bytes.Length && !scanner.Complete)
        {
            var wasClean = scanner.Rejection == SmtpInRejectReason.None;
            var piece = bytes.AsSpan(consumed, Math.Min(chunk, bytes.Length - consumed));
            var used = scanner.Scan(piece, out var c);
            if (wasClean)
            {
                clean += c;
            }
            consumed += used;
        }
        Assert.True(scanner.Complete);
        return (scanner.Rejection, consumed, clean);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Scan_CleanMessage_EndsAtCrlfDotCrlfAnyChunking(int chunk)
    {
        const string message = "Subject: x\r\n\r\n..a\r\n.b\r\n\r\n";
        var (rejection, consumed, clean) = ScanInChunks(message + ".\r\nNEXT COMMAND\r\n", chunk);
        Assert.Equal(SmtpInRejectReason.None, rejection);
        Assert.Equal(message.Length + 3, consumed);
        Assert.Equal(consumed, clean);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(4096)]
    public void Scan_EmptyMessage_EndsImmediately(int chunk)
    {
        var (rejection, consumed, _) = ScanInChunks(".\r\nQUIT\r\n", chunk);
        Assert.Equal(SmtpInRejectReason.None, rejection);
        Assert.Equal(3, consumed);
    }

    [Theory]
    [InlineData("a\nb\r\n.\r\n", SmtpInRejectReason.BareLineFeed, 1)]
    [InlineData("a\rb\r\n.\r\n", SmtpInRejectReason.BareCarriageReturn, 2)]
    [InlineData("a\r\r\n.\r\n", SmtpInRejectReason.BareCarriageReturn, 2)]
    [InlineData("a\n.\nb\r\n.\r\n", SmtpInRejectReason.BareLineFeed, 1)]
    public void Scan_BareLineEnds_AreRejectedAtTheirOctet(string wire, SmtpInRejectReason expected, int cleanOctets)
    {
        foreach (var chunk in new[] { 1, 2, 4096 })
        {
            var (rejection, consumed, clean) = ScanInChunks(wire, chunk);
            Assert.Equal(expected, rejection);
            Assert.Equal(wire.Length, consumed);
            Assert.Equal(cleanOctets, clean);
        }
    }

    [Fact]
    public void Scan_LineOverLimit_IsRejected()
    {
        var (rejection, _, clean) = ScanInChunks(new string('x', 11) + "\r\n.\r\n", 3, maxLine: 10);
        Assert.Equal(SmtpInRejectReason.LineTooLong, rejection);
        Assert.Equal(10, clean);
    }

    [Fact]
    public void Scan_MessageOverLimit_IsRejected()
    {
        var (rejection, _, _) = ScanInChunks("aaaa\r\nbbbb\r\n.\r\n", 1, maxMessage: 8);
        Assert.Equal(SmtpInRejectReason.MessageTooBig, rejection);
    }
}
