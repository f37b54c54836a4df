using System.Buffers;

namespace Mail.Protocols.Smtp;

/// <summary>
/// A read-only, seekable stream over a few pieces of memory read one after the other (trace
/// headers, the received octets, a closing CRLF), so delivery reads the message without copying it.
/// Valid only while the underlying memory is (SmtpServer's buffer lives until SaveAsync returns).
/// </summary>
internal sealed class ConcatenatedReadStream : Stream
{
    private readonly ReadOnlySequence<byte>[] _parts;
    private readonly long _length;
    private long _position;

    public ConcatenatedReadStream(params ReadOnlySequence<byte>[] parts)
    {
        _parts = parts;
        _length = parts.Sum(p => p.Length);
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        var skip = _position;
        foreach (var part in _parts)
        {
            if (buffer.IsEmpty)
            {
                break;
            }
            if (skip >= part.Length)
            {
                skip -= part.Length;
                continue;
            }
            var slice = part.Slice(skip);
            skip = 0;
            var n = (int)Math.Min(slice.Length, buffer.Length);
            slice.Slice(0, n).CopyTo(buffer);
            buffer = buffer[n..];
            total += n;
        }
        _position += total;
        return total;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
