using System.IO.Compression;

namespace Mail.Protocols.Imap.Protocol;

/// <summary>
/// The connection after COMPRESS DEFLATE (RFC 4978 §4): raw DEFLATE (RFC 1951, no zlib or gzip
/// header) in both directions over <paramref name="inner"/> (the socket or TLS stream). Reads inflate
/// what the client sent; writes deflate, and <see cref="FlushAsync(CancellationToken)"/> ends the
/// pending data with a sync flush so each response reaches the client whole (RFC 4978 §4: "flush per response").
/// </summary>
/// <remarks>Owns <paramref name="inner"/>: disposing this stream disposes it.</remarks>
internal sealed class ImapDeflateStream(Stream inner) : Stream
{
    private readonly DeflateStream _inflate = new(inner, CompressionMode.Decompress, leaveOpen: true);
    private readonly DeflateStream _deflate = new(inner, CompressionLevel.Fastest, leaveOpen: true);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inflate.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inflate.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inflate.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _deflate.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _deflate.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _deflate.WriteAsync(buffer, offset, count, cancellationToken);

    /// <summary>Sync-flushes the compressor (Z_SYNC_FLUSH) and the stream below.</summary>
    public override void Flush()
    {
        _deflate.Flush();
        inner.Flush();
    }

    /// <summary>Sync-flushes the compressor (Z_SYNC_FLUSH) and the stream below.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _deflate.FlushAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeQuietly(_deflate);
            _inflate.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await _deflate.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The peer is gone; the end of the deflate stream cannot be sent.
        }
        await _inflate.DisposeAsync();
        await inner.DisposeAsync();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private static void DisposeQuietly(Stream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // Disposing writes the final block; a closed connection makes that impossible and harmless.
        }
    }
}
