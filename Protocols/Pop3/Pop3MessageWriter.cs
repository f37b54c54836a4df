using System.Buffers;

namespace Mail.Protocols.Pop3;

/// <summary>
/// Sends a stored message as a POP3 multi-line response (RFC 1939 §3): the exact stored octets, a
/// "." doubled at the start of every line, a CRLF added only when the message does not end with
/// one, then ".CRLF". Streams in chunks; never re-encodes line ends.
/// </summary>
internal sealed class Pop3MessageWriter
{
    private const int ChunkOctets = 64 * 1024;
    private readonly Stream _output;
    private readonly ArrayBufferWriter<byte> _pending = new(ChunkOctets + 1024);
    private bool _atLineStart = true;
    private byte _last;

    public Pop3MessageWriter(Stream output) => _output = output;

    /// <summary>RETR: the whole message.</summary>
    public async Task WriteMessageAsync(Stream message, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkOctets);
        try
        {
            int read;
            while ((read = await message.ReadAsync(buffer.AsMemory(0, ChunkOctets), cancellationToken)) > 0)
            {
                Append(buffer.AsSpan(0, read));
                await FlushPendingAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await EndAsync(cancellationToken);
    }

    /// <summary>TOP (RFC 1939 §7): the header, the blank line, then at most <paramref name="bodyLines"/> body lines.</summary>
    public async Task WriteTopAsync(Stream message, long bodyLines, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkOctets);
        var inHeader = true;
        var lineLength = 0L;
        var linesLeft = bodyLines;
        try
        {
            int read;
            var done = false;
            while (!done && (read = await message.ReadAsync(buffer.AsMemory(0, ChunkOctets), cancellationToken)) > 0)
            {
                var span = buffer.AsSpan(0, read);
                var take = 0;
                for (; take < span.Length; take++)
                {
                    if (!inHeader && linesLeft == 0)
                    {
                        done = true;
                        break;
                    }
                    var b = span[take];
                    if (b != (byte)'\n')
                    {
                        if (b != (byte)'\r')
                        {
                            lineLength++;
                        }
                        continue;
                    }
                    if (inHeader)
                    {
                        // The empty line ends the header (RFC 5322 §2.1).
                        inHeader = lineLength != 0;
                    }
                    else
                    {
                        linesLeft--;
                    }
                    lineLength = 0;
                }
                Append(span[..take]);
                await FlushPendingAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await EndAsync(cancellationToken);
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_atLineStart && data[0] == (byte)'.')
            {
                _pending.Write("."u8);
            }
            var lf = data.IndexOf((byte)'\n');
            var piece = lf < 0 ? data : data[..(lf + 1)];
            _pending.Write(piece);
            _atLineStart = lf >= 0;
            _last = piece[^1];
            data = data[piece.Length..];
        }
    }

    private async Task FlushPendingAsync(CancellationToken cancellationToken)
    {
        if (_pending.WrittenCount > 0)
        {
            await _output.WriteAsync(_pending.WrittenMemory, cancellationToken);
            _pending.Clear();
        }
    }

    private async Task EndAsync(CancellationToken cancellationToken)
    {
        if (!_atLineStart || (_last != 0 && _last != (byte)'\n'))
        {
            _pending.Write("\r\n"u8);
        }
        _pending.Write(".\r\n"u8);
        await FlushPendingAsync(cancellationToken);
        await _output.FlushAsync(cancellationToken);
    }
}
