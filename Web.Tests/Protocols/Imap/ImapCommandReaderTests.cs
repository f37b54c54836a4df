using System.Buffers;
using System.Text;
using Mail.Protocols.Imap;
using Mail.Protocols.Imap.Protocol;

namespace Mail.Web.Tests.Protocols.Imap;

public sealed class ImapCommandReaderTests
{
    private static readonly ImapLimits Limits = new() { MaxLineOctets = 100, MaxLiteralOctets = 50, MaxAppendOctets = 1000, MaxCommandOctets = 500 };

    /// <summary>Feeds <paramref name="chunks"/> one at a time (each a separate segment boundary), collecting statuses.</summary>
    private static List<ImapReadStatus> Feed(ImapCommandReader reader, params string[] chunks)
    {
        var statuses = new List<ImapReadStatus>();
        var pending = Array.Empty<byte>();
        foreach (var chunk in chunks)
        {
            pending = [.. pending, .. Encoding.ASCII.GetBytes(chunk)];
            while (true)
            {
                var buffer = Segmented(pending);
                var status = reader.TryRead(buffer, out var consumed, out _);
                pending = buffer.Slice(consumed).ToArray();
                if (status == ImapReadStatus.NeedMore)
                {
                    break;
                }
                statuses.Add(status);
                if (status is ImapReadStatus.Command or ImapReadStatus.Rejected)
                {
                    return statuses;
                }
            }
        }
        statuses.Add(ImapReadStatus.NeedMore);
        return statuses;
    }

    /// <summary>A sequence with one segment per octet, so every possible split is exercised.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] data)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        var first = new Segment(data.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < data.Length; i++)
        {
            last = last.Append(data.AsMemory(i, 1));
        }
        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    [Fact]
    public void TryRead_SimpleLine_ReturnsCommand()
    {
        var reader = new ImapCommandReader(Limits);
        Assert.Equal([ImapReadStatus.Command], Feed(reader, "a1 NOOP\r\n"));
        Assert.Equal("a1 NOOP\r\n", Encoding.ASCII.GetString(reader.Command.Span));
    }

    [Fact]
    public void TryRead_LineSplitAcrossReads_WaitsForLineEnd()
    {
        var reader = new ImapCommandReader(Limits);
        Assert.Equal([ImapReadStatus.Command], Feed(reader, "a1 NO", "OP\r", "\n"));
    }

    [Fact]
    public void TryRead_SynchronizingLiteral_AsksForContinuationThenCompletes()
    {
        var reader = new ImapCommandReader(Limits);
        var statuses = Feed(reader, "a LOGIN {5}\r\n", "al", "ice {3}\r\n", "p\r\nx", "\r\n");
        Assert.Equal([ImapReadStatus.ContinuationNeeded, ImapReadStatus.ContinuationNeeded, ImapReadStatus.Command], statuses);
        Assert.Equal("a LOGIN {5}\r\nalice {3}\r\np\r\nx\r\n", Encoding.ASCII.GetString(reader.Command.Span));
    }

    [Fact]
    public void TryRead_NonSynchronizingLiteral_NeedsNoContinuation()
    {
        var reader = new ImapCommandReader(Limits);
        Assert.Equal([ImapReadStatus.Command], Feed(reader, "a LOGIN {5+}\r\nalice pw\r\n"));
    }

    [Fact]
    public void TryRead_LiteralContainingLiteralSyntax_IsNotReinterpreted()
    {
        var reader = new ImapCommandReader(Limits);
        var statuses = Feed(reader, "a LOGIN {5+}\r\nx{9}\r\n pw\r\n");
        Assert.Equal([ImapReadStatus.Command], statuses);
    }

    [Fact]
    public void TryRead_LineOverLimit_RejectedAfterDiscardingToLineEnd()
    {
        var reader = new ImapCommandReader(Limits);
        var statuses = Feed(reader, "tag1 NOOP " + new string('x', 150), new string('y', 100), "\r\n");
        Assert.Equal([ImapReadStatus.Rejected], statuses);
        Assert.Equal(ImapRejectReason.LineTooLong, reader.RejectReason);
        Assert.Equal("tag1", Encoding.ASCII.GetString(reader.Tag));
    }

    [Fact]
    public void TryRead_SynchronizingLiteralOverLimit_RejectedWithoutContinuation()
    {
        var reader = new ImapCommandReader(Limits);
        Assert.Equal([ImapReadStatus.Rejected], Feed(reader, "a LOGIN {51}\r\n"));
        Assert.Equal(ImapRejectReason.LiteralTooLarge, reader.RejectReason);
    }

    [Fact]
    public void TryRead_NonSynchronizingLiteralOverLimit_RejectedAsFatal()
    {
        var reader = new ImapCommandReader(Limits);
        Assert.Equal([ImapReadStatus.Rejected], Feed(reader, "a LOGIN {51+}\r\n"));
        Assert.Equal(ImapRejectReason.NonSynchronizingLiteralTooLarge, reader.RejectReason);
    }

    [Fact]
    public void TryRead_AppendLiteral_UsesAppendLimit()
    {
        var reader = new ImapCommandReader(Limits);
        Assert.Equal([ImapReadStatus.ContinuationNeeded], Feed(reader, "a append INBOX {900}\r\n")[..1]);
        reader.Reset();
        Assert.Equal([ImapReadStatus.Rejected], Feed(reader, "a APPEND INBOX {1001}\r\n"));
    }

    [Fact]
    public void TryRead_HugeLiteralNumber_Rejected()
    {
        var reader = new ImapCommandReader(Limits);
        Assert.Equal([ImapReadStatus.Rejected], Feed(reader, "a LOGIN {99999999999999999999999}\r\n"));
        Assert.Equal(ImapRejectReason.LiteralTooLarge, reader.RejectReason);
    }

    [Fact]
    public void TryRead_CommandOverTotalLimit_Rejected()
    {
        var reader = new ImapCommandReader(Limits);
        var chunks = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            chunks.Add("x {40+}\r\n" + new string('z', 40));
        }
        chunks.Add("\r\n");
        var statuses = Feed(reader, ["a LOGIN " + chunks[0], .. chunks.Skip(1)]);
        Assert.Equal(ImapReadStatus.Rejected, statuses[^1]);
        Assert.Equal(ImapRejectReason.NonSynchronizingLiteralTooLarge, reader.RejectReason);
    }

    [Fact]
    public void MultiAppend_MessagesTogetherOverAppendLimit_IsRejected()
    {
        var reader = new ImapCommandReader(Limits);
        var first = new string('a', 600);
        Assert.Equal([ImapReadStatus.Rejected], Feed(reader, "a APPEND INBOX {600+}\r\n" + first + " {600+}\r\n"));
        Assert.Equal(ImapRejectReason.NonSynchronizingLiteralTooLarge, reader.RejectReason);
    }

    [Theory]
    [InlineData("x {5}\r\n", 5, false)]
    [InlineData("x {5+}\r\n", 5, true)]
    [InlineData("x {}\r\n", -1, false)]
    [InlineData("x \"{5}\"\r\n", -1, false)]
    [InlineData("x {5}y\r\n", -1, false)]
    public void FindLiteral_RecognizesOnlyTrailingAnnouncements(string line, long expected, bool nonSync)
    {
        Assert.Equal(expected, ImapCommandReader.FindLiteral(Encoding.ASCII.GetBytes(line), out var ns));
        Assert.Equal(nonSync, ns);
    }
}
