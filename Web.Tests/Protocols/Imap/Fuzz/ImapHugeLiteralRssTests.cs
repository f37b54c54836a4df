using System.Net.Sockets;
using System.Text;
using Mail.Web.Tests.EndToEnd;
using Mail.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Protocols.Imap.Fuzz;

/// <summary>
/// A client streams a 210 MiB APPEND literal to the real server binary (limits raised to allow it) while the test samples
/// the server's resident memory (VmRSS): growth must stay under <see cref="MaxGrowthKiB"/> whatever the size, since the
/// literal goes from the connection straight into the store's tmp/ file (ImapLimits.AppendSpoolThresholdOctets) and its
/// full-text indexing reads at most StoreLimits.MaxIndexedTextChars of it. The message must be stored whole and
/// nothing may stay in tmp/.
/// </summary>
/// <remarks>
/// Measured 2026-11-30 (bench/imap-append-rss.sh, Debug build): before streaming, 100 MiB raised RSS by about 8x the
/// literal; after, 100 MiB and 500 MiB literals both raise it by under 12 MiB (indexing 1 Mi characters dominates).
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed class ImapHugeLiteralRssTests(ITestOutputHelper output)
{
    private const string User = "big@example.com";
    private const int Size = 210 * 1024 * 1024;
    private const long MaxGrowthKiB = 32 * 1024;

    [Fact]
    public async Task HugeAppendLiteral_ServerRssGrowthUnder32MiB_MessageStoredWhole_TmpEmpty()
    {
        await using var server = await MailServerProcess.StartAsync(null,
            "--Mail:Store:MaxMessageOctets=300000000", "--Mail:Imap:Limits:MaxAppendOctets=300000000");
        await server.AddDomainAsync("example.com");
        await server.AddUserAsync(User);
        var pid = server.ProcessId ?? throw new InvalidOperationException("server not running");

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", server.ImapPort);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1, detectEncodingFromByteOrderMarks: false, bufferSize: 1, leaveOpen: true);
        async Task<string> LineAsync() => await reader.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(3)) ?? "(closed)";
        async Task<string> TaggedAsync(string tag)
        {
            string line;
            while (!(line = await LineAsync()).StartsWith(tag + " ", StringComparison.Ordinal) && line != "(closed)")
            {
            }
            return line;
        }
        await LineAsync();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"a LOGIN {User} {MailServerProcess.DefaultPassword}\r\n"));
        Assert.StartsWith("a OK", await TaggedAsync("a"), StringComparison.Ordinal);
        // Warm up the APPEND path so the baseline includes its code and buffers.
        const string warm = "Subject: warm\r\n\r\nwarm up body\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"w APPEND INBOX {{{warm.Length}+}}\r\n{warm}\r\n"));
        Assert.StartsWith("w OK", await TaggedAsync("w"), StringComparison.Ordinal);
        await Task.Delay(500);
        var baseline = ImapServerSockets.RssKiB(pid);

        var header = "Subject: huge\r\n\r\n"u8.ToArray();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"b APPEND INBOX {{{Size}}}\r\n"));
        Assert.StartsWith("+", await LineAsync(), StringComparison.Ordinal);
        await stream.WriteAsync(header);
        var line = Encoding.ASCII.GetBytes(new string('x', 998) + "\r\n");
        var chunk = new byte[1000 * 1000];
        for (var i = 0; i < chunk.Length; i += line.Length)
        {
            line.CopyTo(chunk, i);
        }
        var peak = baseline;
        long sent = header.Length;
        while (sent < Size)
        {
            var n = (int)Math.Min(chunk.Length, Size - sent);
            if (n < chunk.Length)
            {
                // The last piece: lines of x, ending in CRLF.
                var tail = new byte[n];
                for (var i = 0; i < n; i++)
                {
                    tail[i] = (byte)'x';
                }
                tail[^2] = (byte)'\r';
                tail[^1] = (byte)'\n';
                await stream.WriteAsync(tail);
            }
            else
            {
                await stream.WriteAsync(chunk);
            }
            sent += n;
            if (sent / chunk.Length % 10 == 0)
            {
                peak = Math.Max(peak, ImapServerSockets.RssKiB(pid));
            }
        }
        await stream.WriteAsync("\r\n"u8.ToArray());
        var reply = await TaggedAsync("b");
        peak = Math.Max(peak, ImapServerSockets.RssKiB(pid));
        output.WriteLine($"server RSS: {baseline} KiB before, peak {peak} KiB while streaming {Size / (1024 * 1024)} MiB (growth {peak - baseline} KiB, {(peak - baseline) * 1024.0 / Size:F3}x the literal); reply: {reply}");
        Assert.StartsWith("b OK", reply, StringComparison.Ordinal);
        Assert.True(peak - baseline < MaxGrowthKiB, $"RSS grew by {peak - baseline} KiB while the client streamed a {Size}-octet literal");

        await stream.WriteAsync("c SELECT INBOX\r\nd FETCH 2 RFC822.SIZE\r\n"u8.ToArray());
        await TaggedAsync("c");
        var size = await LineAsync();
        Assert.Equal($"* 2 FETCH (RFC822.SIZE {Size})", size);
        var tmp = Directory.GetDirectories(Path.Combine(server.DataPath, "mail"), "tmp", SearchOption.AllDirectories).SelectMany(Directory.GetFiles);
        Assert.Empty(tmp);
    }
}
