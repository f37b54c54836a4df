using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// A tiny authoritative DNS server on 127.0.0.1:0 (UDP) for delivery tests: MX, A and AAAA records set by the
/// test, TXT and TLSA records, NXDOMAIN for names it does not know, SERVFAIL for names marked broken, and the
/// AD bit (RFC 4035 §3.2.3) on answers for names marked authenticated, as a validating resolver would set it. Answers one question per query
/// (RFC 1035 §4.1), which is what DnsClient sends.
/// </summary>
internal sealed class TestDnsServer : IAsyncDisposable
{
    private const ushort TypeA = 1;
    private const ushort TypeMx = 15;
    private const ushort TypeAaaa = 28;
    private const ushort TypeTxt = 16;
    private const ushort TypeTlsa = 52;

    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly Dictionary<string, List<(ushort Type, byte[] Data)>> _records = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _broken = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _authenticated = new(StringComparer.OrdinalIgnoreCase);
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

    /// <summary>A TXT record of one character-string per 255 octets.</summary>
    public void AddTxt(string name, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var data = new MemoryStream();
        for (var i = 0; i < bytes.Length || i == 0; i += 255)
        {
            var n = Math.Min(255, bytes.Length - i);
            data.WriteByte((byte)n);
            data.Write(bytes, i, n);
        }
        Add(name, TypeTxt, data.ToArray());
    }

    public void RemoveAll(string name)
    {
        lock (_records)
        {
            _records.Remove(name.TrimEnd('.'));
        }
    }

    /// <summary>A TLSA record (RFC 6698 §2.1) at <paramref name="name"/> (e.g. <c>_25._tcp.mx.example</c>).</summary>
    public void AddTlsa(string name, byte usage, byte selector, byte matchingType, byte[] association) =>
        Add(name, TypeTlsa, [usage, selector, matchingType, .. association]);

    /// <summary>Answers for <paramref name="name"/> carry the AD bit.</summary>
    public void MarkAuthenticated(string name)
    {
        lock (_records)
        {
            _authenticated.Add(name.TrimEnd('.'));
        }
    }

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
        bool authenticated;
        lock (_records)
        {
            authenticated = _authenticated.Contains(name);
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
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(0x8400 | (query[2] & 0x01) << 8 | 0x0080 | (authenticated ? 0x0020 : 0) | rcode));
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
