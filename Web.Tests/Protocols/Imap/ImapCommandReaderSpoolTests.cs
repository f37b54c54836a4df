using System.Buffers;
using System.Text;
using Mail.Protocols.Imap;
using Mail.Protocols.Imap.Protocol;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>The command reader's side of streaming large APPEND literals (<see cref="ImapReadStatus.SpoolLiteral"/>).</summary>
public sealed class ImapCommandReaderSpoolTests
{
    private static readonly ImapLimits Limits = new() { MaxLineOctets = 1000, MaxLiteralOctets = 8192, MaxAppendOctets = 100_000, AppendSpoolThresholdOctets = 1000 };

    private sealed class Sink : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private static ImapReadStatus Read(ImapCommandReader reader, ref ReadOnlySequence<byte> input)
    {
        var status = reader.TryRead(input, out var consumed, out _);
        input = input.Slice(consumed);
        return status;
    }

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.ASCII.GetBytes(text));

    [Fact]
    public void LargeAppendLiteral_WhenSpoolAllowed_AsksToSpool_ThenFramesTheRestWithoutIt()
    {
        var reader = new ImapCommandReader(Limits) { SpoolAllowed = true };
        var input = Bytes("a APPEND INBOX (\\Seen) {5000}\r\n");
        Assert.Equal(ImapReadStatus.SpoolLiteral, Read(reader, ref input));
        Assert.Equal(5000, reader.SpoolLength);
        Assert.True(reader.SpoolSynchronizing);
        var sink = new Sink();
        reader.Spooled(sink);
        // The caller moved the 5000 octets; the command goes on after them.
        input = Bytes("\r\n");
        Assert.Equal(ImapReadStatus.Command, Read(reader, ref input));
        var literal = Assert.Single(reader.SpooledLiterals);
        Assert.Equal("a APPEND INBOX (\\Seen) {5000}\r\n".Length, literal.Offset);
        Assert.Equal(5000, literal.Length);

        reader.Reset();
        Assert.True(sink.Disposed);
        Assert.Empty(reader.SpooledLiterals);
    }

    [Fact]
    public void SpooledLiteral_ReadAsMessageLiteral_GivesTheSpoolRecord_ButAsStringIsRefused()
    {
        var reader = new ImapCommandReader(Limits) { SpoolAllowed = true };
        var input = Bytes("a APPEND INBOX {5000+}\r\n");
        Assert.Equal(ImapReadStatus.SpoolLiteral, Read(reader, ref input));
        Assert.False(reader.SpoolSynchronizing);
        reader.Spooled(new Sink());
        input = Bytes("\r\n");
        Assert.Equal(ImapReadStatus.Command, Read(reader, ref input));
        var offset = "a APPEND INBOX ".Length;

        var message = new ImapTokenizer(reader.Command[offset..], 8, [reader.SpooledLiterals[0] with { Offset = reader.SpooledLiterals[0].Offset - offset }]);
        Assert.True(message.TryReadMessageLiteral(out var octets, out var spooled));
        Assert.True(octets.IsEmpty);
        Assert.Same(reader.SpooledLiterals[0].Content, spooled!.Content);
        Assert.True(message.AtEndOfLine);

        var asString = new ImapTokenizer(reader.Command[offset..], 8, [reader.SpooledLiterals[0] with { Offset = reader.SpooledLiterals[0].Offset - offset }]);
        Assert.False(asString.TryReadStringOctets(out _));
    }

    [Fact]
    public void LargeAppendLiteral_BeforeLogin_IsFramedInMemory()
    {
        var reader = new ImapCommandReader(Limits);
        var input = Bytes("a APPEND INBOX {5000}\r\n");
        Assert.Equal(ImapReadStatus.ContinuationNeeded, Read(reader, ref input));
    }

    [Fact]
    public void LiteralAtThreshold_IsFramedInMemory()
    {
        var reader = new ImapCommandReader(Limits) { SpoolAllowed = true };
        var input = Bytes("a APPEND INBOX {1000+}\r\n" + new string('x', 1000) + "\r\n");
        Assert.Equal(ImapReadStatus.Command, Read(reader, ref input));
        Assert.Empty(reader.SpooledLiterals);
    }

    [Fact]
    public void MultiAppend_TotalOverAppendLimit_RejectedAndEarlierSpoolDisposed()
    {
        var reader = new ImapCommandReader(Limits) { SpoolAllowed = true };
        var input = Bytes("a APPEND INBOX {60000}\r\n");
        Assert.Equal(ImapReadStatus.SpoolLiteral, Read(reader, ref input));
        var sink = new Sink();
        reader.Spooled(sink);
        input = Bytes(" {50000}\r\n");
        Assert.Equal(ImapReadStatus.Rejected, Read(reader, ref input));
        Assert.Equal(ImapRejectReason.LiteralTooLarge, reader.RejectReason);
        Assert.True(sink.Disposed);
    }

    [Fact]
    public void LiteralMinus_LargeNonSynchronizingAppend_DiscardedNotSpooled()
    {
        var reader = new ImapCommandReader(Limits, literalMinus: true) { SpoolAllowed = true };
        var input = Bytes("a APPEND INBOX {5000+}\r\n" + new string('x', 5000) + "\r\nb NOOP\r\n");
        Assert.Equal(ImapReadStatus.Rejected, Read(reader, ref input));
        Assert.Equal(ImapRejectReason.NonSynchronizingLiteralOverLiteralMinus, reader.RejectReason);
        Assert.Equal("b NOOP\r\n".Length, input.Length);
    }
}
