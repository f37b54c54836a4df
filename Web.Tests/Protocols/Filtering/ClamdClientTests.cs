using System.Net;
using System.Net.Sockets;
using System.Text;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Clamd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Filtering;

/// <summary>zINSTREAM against the real clamd of scripts/services-filters.sh (EICAR-only database).</summary>
public sealed class ClamdClientTests
{
    [Fact]
    public async Task Ping_AnswersPong()
    {
        Assert.True(await new ClamdClient(FilterDaemons.Clamd, 65536).PingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Instream_RawEicar_Found()
    {
        var reply = await new ClamdClient(FilterDaemons.Clamd, 65536).ScanAsync(FilterTestMessages.Scan(FilterTestMessages.Eicar), long.MaxValue, CancellationToken.None);

        Assert.Equal(ClamdStatus.Found, reply.Status);
        Assert.Equal(FilterDaemons.EicarSignature, reply.Signature);
    }

    [Fact]
    public async Task Instream_EicarAcrossChunkBoundaries_Found()
    {
        // 1024-octet chunks, the signature starting 30 octets before a boundary.
        var padding = new string('a', 994) + "\r\n";
        var message = FilterTestMessages.Plain(padding + FilterTestMessages.Eicar);
        var reply = await new ClamdClient(FilterDaemons.Clamd, 1024).ScanAsync(FilterTestMessages.Scan(message), long.MaxValue, CancellationToken.None);

        Assert.Equal(ClamdStatus.Found, reply.Status);
    }

    [Fact]
    public async Task Instream_CleanMessage_Ok()
    {
        var reply = await new ClamdClient(FilterDaemons.Clamd, 65536).ScanAsync(FilterTestMessages.Scan(FilterTestMessages.Plain("hello")), long.MaxValue, CancellationToken.None);

        Assert.Equal(ClamdStatus.Clean, reply.Status);
        Assert.Equal("stream: OK", reply.Line);
    }

    [Fact]
    public async Task Scanner_OverMaxStreamOctets_FailsWithoutSending()
    {
        var options = Options.Create(new FilterOptions { Clamd = new ClamdOptions { Endpoint = FilterDaemons.Clamd, MaxStreamOctets = 100 } });
        var scanner = new ClamdScanner(options, NullLogger<ClamdScanner>.Instance);

        var result = await scanner.ScanAsync(FilterTestMessages.Scan(FilterTestMessages.Plain(FilterTestMessages.Eicar)), CancellationToken.None);

        Assert.Equal(ScanOutcome.Failed, result.Outcome);
        Assert.Contains("larger than 100 octets", result.Detail);
    }

    [Fact]
    public async Task Scanner_OverMaxStreamOctetsWithTruncate_ScansTheStart()
    {
        var options = Options.Create(new FilterOptions { Clamd = new ClamdOptions { Endpoint = FilterDaemons.Clamd, MaxStreamOctets = 400, OversizeAction = OversizeAction.Truncate } });
        var scanner = new ClamdScanner(options, NullLogger<ClamdScanner>.Instance);
        var message = FilterTestMessages.Plain(FilterTestMessages.Eicar + "\r\n" + new string('x', 2000));

        var result = await scanner.ScanAsync(FilterTestMessages.Scan(message), CancellationToken.None);

        Assert.Equal(ScanOutcome.Virus, result.Outcome);
    }

    /// <summary>Unit test with a stand-in daemon: clamd's answer to a stream over its StreamMaxLength.</summary>
    [Fact]
    public async Task Scanner_SizeLimitExceededReply_Fails()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var peer = await listener.AcceptTcpClientAsync();
            var stream = peer.GetStream();
            var buffer = new byte[4096];
            await stream.ReadAtLeastAsync(buffer, 14);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("INSTREAM size limit exceeded. ERROR\0"));
            // Drain what the client still sends (a real clamd closes; draining keeps the test free of RST races).
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        });
        var endpoint = "127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;
        var scanner = new ClamdScanner(Options.Create(new FilterOptions { Clamd = new ClamdOptions { Endpoint = endpoint, ChunkOctets = 1024 } }), NullLogger<ClamdScanner>.Instance);

        var result = await scanner.ScanAsync(FilterTestMessages.Scan(new byte[256 * 1024]), CancellationToken.None);
        await server;

        Assert.Equal(ScanOutcome.Failed, result.Outcome);
        Assert.Contains("size limit exceeded", result.Detail);
    }
}
