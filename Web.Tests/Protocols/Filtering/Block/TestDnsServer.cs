using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mail.Web.Tests.Protocols.Filtering.Block;

/// <summary>
/// A minimal authoritative DNS server on 127.0.0.1 (UDP, port 0) for DNSBL tests: answers A queries
/// for the listed names with 127.0.0.2, TXT queries from <see cref="Txt"/>, NXDOMAIN otherwise
/// (RFC 1035 §4.1 message format). <see cref="Failing"/> makes it answer SERVFAIL.
/// </summary>
internal sealed class TestDnsServer : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly HashSet<string> _listed;
    private readonly CancellationTokenSource _stop = new();
    private int _queries;

    public TestDnsServer(params string[] listed)
    {
        _listed = new HashSet<string>(listed, StringComparer.OrdinalIgnoreCase);
        _ = ServeAsync();
    }

    /// <summary>TXT records by name (one record per name; split into 255-octet strings on the wire).</summary>
    public Dictionary<string, string> Txt { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Answer every query with SERVFAIL.</summary>
    public bool Failing { get; set; }

    public string Endpoint => "127.0.0.1:" + ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

    public int Queries => Volatile.Read(ref _queries);

    private async Task ServeAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var request = await _udp.ReceiveAsync(_stop.Token);
                Interlocked.Increment(ref _queries);
                var reply = Answer(request.Buffer);
                if (reply is not null)
                {
                    await _udp.SendAsync(reply, request.RemoteEndPoint, _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private byte[]? Answer(byte[] query)
    {
        if (query.Length < 17)
        {
            return null;
        }
        // Question: labels from offset 12, then QTYPE and QCLASS.
        var name = new StringBuilder();
        var at = 12;
        while (at < query.Length && query[at] != 0)
        {
            var length = query[at];
            if (at + 1 + length > query.Length)
            {
                return null;
            }
            name.Append(name.Length > 0 ? "." : "").Append(Encoding.ASCII.GetString(query, at + 1, length));
            at += 1 + length;
        }
        var questionEnd = at + 5;
        if (questionEnd > query.Length)
        {
            return null;
        }
        var type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(at + 1));
        var listed = type == 1 && _listed.Contains(name.ToString());
        string? txt = null;
        var hasTxt = type == 16 && Txt.TryGetValue(name.ToString(), out txt);
        var answered = listed || hasTxt;
        var reply = new List<byte>(query.AsSpan(0, questionEnd).ToArray());
        reply[2] = (byte)(0x84 | (query[2] & 0x01)); // QR, AA, RD copied
        reply[3] = (byte)(Failing ? 0x02 : answered ? 0x00 : 0x03); // SERVFAIL / NOERROR / NXDOMAIN
        reply[6] = 0;
        reply[7] = (byte)(answered && !Failing ? 1 : 0); // ANCOUNT
        reply[8] = reply[9] = reply[10] = reply[11] = 0; // NSCOUNT, ARCOUNT
        if (Failing)
        {
            return [.. reply];
        }
        if (listed)
        {
            reply.AddRange([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 2]);
        }
        else if (hasTxt)
        {
            var rdata = new List<byte>();
            var bytes = Encoding.ASCII.GetBytes(txt!);
            for (var i = 0; i < bytes.Length; i += 255)
            {
                var chunk = bytes.AsSpan(i, Math.Min(255, bytes.Length - i));
                rdata.Add((byte)chunk.Length);
                rdata.AddRange(chunk.ToArray());
            }
            reply.AddRange([0xC0, 0x0C, 0, 16, 0, 1, 0, 0, 0, 60, (byte)(rdata.Count >> 8), (byte)rdata.Count]);
            reply.AddRange(rdata);
        }
        return [.. reply];
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        _stop.Dispose();
    }
}
