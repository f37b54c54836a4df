using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Mail.Protocols.Filtering.Clamd;

/// <summary>
/// A clamd client over TCP using the NUL-delimited commands (<c>zINSTREAM</c>, <c>zPING</c>; clamd(8)).
/// INSTREAM sends the data as chunks of [4-octet big-endian length][octets], ended by a zero length;
/// the reply is one NUL-terminated line: <c>stream: OK</c>, <c>stream: NAME FOUND</c> or <c>... ERROR</c>.
/// </summary>
/// <remarks>
/// When the stream exceeds clamd's <c>StreamMaxLength</c>, clamd answers
/// <c>INSTREAM size limit exceeded. ERROR</c> and closes the connection, possibly while we are
/// still sending: a failed send is followed by an attempt to read that reply.
/// </remarks>
public sealed class ClamdClient
{
    private const int MaxReplyOctets = 4096;

    private readonly ScannerEndpoint _endpoint;
    private readonly int _chunkOctets;

    /// <summary>Creates a client for clamd at <paramref name="endpoint"/> (<c>host:port</c>).</summary>
    /// <exception cref="FormatException"><paramref name="endpoint"/> is not <c>host:port</c>.</exception>
    public ClamdClient(string endpoint, int chunkOctets)
    {
        _endpoint = ScannerEndpoint.Parse(endpoint);
        _chunkOctets = Math.Max(1024, chunkOctets);
    }

    /// <summary>Streams the first <paramref name="maxOctets"/> octets of <paramref name="message"/> with zINSTREAM.</summary>
    /// <returns>The reply line without its NUL (<c>stream: OK</c>, ...).</returns>
    /// <exception cref="SocketException">clamd is unreachable.</exception>
    /// <exception cref="IOException">The connection failed and no reply could be read.</exception>
    public async Task<ClamdReply> ScanAsync(ScanMessage message, long maxOctets, CancellationToken cancellationToken)
    {
        using var socket = await _endpoint.ConnectAsync(cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        IOException? sendFailure = null;
        try
        {
            await SendStreamAsync(stream, message, maxOctets, cancellationToken);
        }
        catch (IOException ex)
        {
            // clamd may have refused the stream (size limit) and closed; its reply may still be readable.
            sendFailure = ex;
        }
        string line;
        try
        {
            line = await ReadReplyAsync(stream, cancellationToken);
        }
        catch (IOException) when (sendFailure is not null)
        {
            throw sendFailure;
        }
        if (line.Length == 0 && sendFailure is not null)
        {
            throw sendFailure;
        }
        return ClamdReply.Parse(line);
    }

    /// <summary>zPING: true when clamd answers <c>PONG</c>.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var socket = await _endpoint.ConnectAsync(cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync("zPING\0"u8.ToArray(), cancellationToken);
        return await ReadReplyAsync(stream, cancellationToken) == "PONG";
    }

    private async Task SendStreamAsync(NetworkStream stream, ScanMessage message, long maxOctets, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_chunkOctets + 4);
        try
        {
            "zINSTREAM\0"u8.CopyTo(buffer);
            await stream.WriteAsync(buffer.AsMemory(0, 10), cancellationToken);
            var filled = 0;
            foreach (var segment in message.Segments(maxOctets))
            {
                var source = segment;
                while (!source.IsEmpty)
                {
                    var take = Math.Min(source.Length, _chunkOctets - filled);
                    source.Span[..take].CopyTo(buffer.AsSpan(4 + filled));
                    filled += take;
                    source = source[take..];
                    if (filled == _chunkOctets)
                    {
                        await WriteChunkAsync(stream, buffer, filled, cancellationToken);
                        filled = 0;
                    }
                }
            }
            if (filled > 0)
            {
                await WriteChunkAsync(stream, buffer, filled, cancellationToken);
            }
            BinaryPrimitives.WriteUInt32BigEndian(buffer, 0);
            await stream.WriteAsync(buffer.AsMemory(0, 4), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ValueTask WriteChunkAsync(NetworkStream stream, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)length);
        return stream.WriteAsync(buffer.AsMemory(0, 4 + length), cancellationToken);
    }

    /// <summary>Reads up to the terminating NUL (or the end of the connection), at most 4096 octets.</summary>
    private static async Task<string> ReadReplyAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxReplyOctets];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }
            var nul = buffer.AsSpan(filled, read).IndexOf((byte)0);
            filled += read;
            if (nul >= 0)
            {
                filled = filled - read + nul;
                break;
            }
        }
        return Encoding.ASCII.GetString(buffer, 0, filled).TrimEnd('\n', '\r');
    }
}
