using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// A tiny authoritative DNS server on 127.0.0.1:0 (UDP) for delivery tests: MX, A and AAAA records set by the
/// test, NXDOMAIN for names it does not know, SERVFAIL for names marked broken. Answers one question per query
/// (RFC 1035 §4.1), which is what DnsClient sends.
/// </summary>
internal sealed class TestDnsServer : IAsyncDisposable
{
    private const ushort TypeA = 1;
    private const ushort TypeMx = 15;
    private const ushort TypeAaaa = 28;

    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly Dictionary<string, List<(ushort Type, byte[] Data)>> _records = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _broken = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TestDnsServer() => _loop = Task.Run(RunAsync);

    public IPEndPoint EndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public int Queries;

    public void AddMx(string domain, ushort preference, string exchange)
    {
        var name = EncodeName(exchange);
        var data = new byte[2 + name.Length];
        BinaryPrimitives.WriteUInt16BigEndian(data, preference);
        name.CopyTo(data, 2);
        Add(domain, TypeMx, data);
    }

    /// <summary>RFC 7505 null MX: preference 0, exchange ".".</summary>
    public void AddNullMx(string domain) => Add(domain, TypeMx, [0, 0, 0]);

    public void AddAddress(string host, IPAddress address) =>
        Add(host, address.AddressFamily == AddressFamily.InterNetwork ? TypeA : TypeAaaa, address.GetAddressBytes());

    public void AddBroken(string name)
    {
        lock (_records)
        {
            _broken.Add(name.TrimEnd('.'));
        }
    }

    private void Add(string name, ushort type, byte[] data)
    {
        lock (_records)
        {
            if (!_records.TryGetValue(name.TrimEnd('.'), out var list))
            {
                _records[name.TrimEnd('.')] = list = [];
            }
            list.Add((type, data));
        }
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref Queries);
            var reply = Answer(received.Buffer);
            if (reply is not null)
            {
                await _udp.SendAsync(reply, received.RemoteEndPoint, _stop.Token);
            }
        }
    }

    private byte[]? Answer(byte[] query)
    {
        if (query.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(4)) < 1)
        {
            return null;
        }
        var offset = 12;
        var labels = new List<string>();
        while (offset < query.Length && query[offset] != 0)
        {
            var length = query[offset];
            labels.Add(Encoding.ASCII.GetString(query, offset + 1, length));
            offset += 1 + length;
        }
        var questionEnd = offset + 5;
        var qtype = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(offset + 1));
        var name = string.Join('.', labels);

        List<(ushort Type, byte[] Data)> answers;
        byte rcode;
        lock (_records)
        {
            if (_broken.Contains(name))
            {
                rcode = 2;
                answers = [];
            }
            else if (_records.TryGetValue(name, out var all))
            {
                rcode = 0;
                answers = all.Where(r => r.Type == qtype).ToList();
            }
            else
            {
                rcode = 3;
                answers = [];
            }
        }
        using var reply = new MemoryStream();
        Span<byte> header = stackalloc byte[12];
        query.AsSpan(0, 2).CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(0x8400 | (query[2] & 0x01) << 8 | 0x0080 | rcode));
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)answers.Count);
        reply.Write(header);
        reply.Write(query.AsSpan(12, questionEnd - 12));
        Span<byte> rr = stackalloc byte[12];
        foreach (var (type, data) in answers)
        {
            BinaryPrimitives.WriteUInt16BigEndian(rr, 0xC00C);
            BinaryPrimitives.WriteUInt16BigEndian(rr[2..], type);
            BinaryPrimitives.WriteUInt16BigEndian(rr[4..], 1);
            BinaryPrimitives.WriteUInt32BigEndian(rr[6..], 60);
            BinaryPrimitives.WriteUInt16BigEndian(rr[10..], (ushort)data.Length);
            reply.Write(rr);
            reply.Write(data);
        }
        return reply.ToArray();
    }

    private static byte[] EncodeName(string name)
    {
        using var bytes = new MemoryStream();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.WriteByte((byte)label.Length);
            bytes.Write(Encoding.ASCII.GetBytes(label));
        }
        bytes.WriteByte(0);
        return bytes.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
