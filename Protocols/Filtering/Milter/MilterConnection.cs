using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Mail.Protocols.Filtering.Milter;

/// <summary>One milter packet read from the milter: its command octet and data.</summary>
internal readonly record struct MilterPacket(byte Command, byte[] Data)
{
    /// <summary>The NUL-terminated strings of the data, decoded as UTF-8.</summary>
    public List<string> Strings(int offset = 0)
    {
        var result = new List<string>();
        var span = Data.AsSpan(offset);
        while (!span.IsEmpty)
        {
            var nul = span.IndexOf((byte)0);
            var end = nul < 0 ? span.Length : nul;
            result.Add(Encoding.UTF8.GetString(span[..end]));
            span = nul < 0 ? [] : span[(nul + 1)..];
        }
        return result;
    }
}

/// <summary>The framing of the milter protocol over one TCP connection: 4-octet big-endian length, command, data.</summary>
internal sealed class MilterConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly int _maxPacketOctets;
    private readonly byte[] _header = new byte[5];

    private MilterConnection(Socket socket, int maxPacketOctets)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _maxPacketOctets = maxPacketOctets;
    }

    /// <exception cref="SocketException">The milter is unreachable.</exception>
    public static async Task<MilterConnection> OpenAsync(ScannerEndpoint endpoint, int maxPacketOctets, CancellationToken cancellationToken) =>
        new(await endpoint.ConnectAsync(cancellationToken), maxPacketOctets);

    /// <summary>Writes one packet.</summary>
    public async Task SendAsync(byte command, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var packet = ArrayPool<byte>.Shared.Rent(5 + data.Length);
        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)data.Length + 1);
            packet[4] = command;
            data.Span.CopyTo(packet.AsSpan(5));
            await _stream.WriteAsync(packet.AsMemory(0, 5 + data.Length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packet);
        }
    }

    /// <summary>Writes one packet whose data is NUL-terminated strings.</summary>
    public Task SendStringsAsync(byte command, CancellationToken cancellationToken, params string[] values) =>
        SendAsync(command, Strings(values), cancellationToken);

    /// <summary>Reads one packet.</summary>
    /// <exception cref="MilterProtocolException">An empty packet, one over the size limit, or the milter closed the connection.</exception>
    public async Task<MilterPacket> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stream.ReadExactlyAsync(_header, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw new MilterProtocolException("the milter closed the connection");
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(_header);
        if (length == 0 || length > (uint)_maxPacketOctets)
        {
            throw new MilterProtocolException($"packet length {length} out of range 1-{_maxPacketOctets}");
        }
        var data = new byte[length - 1];
        try
        {
            await _stream.ReadExactlyAsync(data, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw new MilterProtocolException("the milter closed the connection");
        }
        return new MilterPacket(_header[4], data);
    }

    /// <summary>NUL-terminated UTF-8 strings, one after the other.</summary>
    public static byte[] Strings(params string[] values)
    {
        var output = new MemoryStream();
        foreach (var value in values)
        {
            output.Write(Encoding.UTF8.GetBytes(value.Replace("\0", "", StringComparison.Ordinal)));
            output.WriteByte(0);
        }
        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}

/// <summary>The milter broke the protocol (the conversation is abandoned).</summary>
public sealed class MilterProtocolException : Exception
{
    public MilterProtocolException()
    {
    }

    public MilterProtocolException(string message)
        : base(message)
    {
    }

    public MilterProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
