using System.Buffers;
using System.Net;
using System.Text;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Rspamd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Filtering.Rspamd;

/// <summary>The rspamd scanner against the real rspamd (scripts/services-rspamd.sh), and its reply parser.</summary>
public sealed class RspamdClientTests
{
    private static RspamdScanner Scanner(string url) =>
        new(Options.Create(new FilterOptions { Rspamd = { Url = url } }), NullLogger<RspamdScanner>.Instance);

    private static ScanMessage Message(string text, ScanEnvelope? envelope = null) =>
        new(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text))) { Envelope = envelope };

    [Fact]
    public async Task Gtube_ResultDemandsReject_WithRspamdsSmtpMessage()
    {
        using var scanner = Scanner(FilterDaemons.Rspamd);

        var result = await scanner.ScanAsync(Message(FilterTestMessages.Plain(FilterTestMessages.Gtube)), CancellationToken.None);

        Assert.Equal(ScanOutcome.Spam, result.Outcome);
        Assert.Equal(ScanDemand.Reject, result.Demand);
        Assert.Contains("GTUBE", result.Symbols);
        Assert.Equal("Gtube pattern", result.Detail);
    }

    [Fact]
    public async Task Ham_WithEnvelope_CleanWithSymbols()
    {
        using var scanner = Scanner(FilterDaemons.Rspamd);
        var envelope = new ScanEnvelope(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40000), "client.example", "bob@remote.example",
            ["alice@example.com", "carol@example.com"], "QID1", null, "mx.test.example");

        var result = await scanner.ScanAsync(Message(FilterTestMessages.Plain("Lunch at noon?"), envelope), CancellationToken.None);

        Assert.Equal(ScanOutcome.Clean, result.Outcome);
        Assert.Null(result.Demand);
        Assert.NotNull(result.Score);
        Assert.True(result.Score < 6);
        // The envelope sender (the From request header) reached rspamd.
        Assert.Contains("FROM_EQ_ENVFROM", result.Symbols);
    }

    [Fact]
    public async Task NotHttp_FailsWithReason()
    {
        using var scanner = Scanner("http://" + FilterDaemons.Clamd);

        var result = await scanner.ScanAsync(Message(FilterTestMessages.Plain("Hello")), CancellationToken.None);

        Assert.Equal(ScanOutcome.Failed, result.Outcome);
        Assert.StartsWith("unreachable: ", result.Detail);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"score\": 1.0}")]
    [InlineData("{\"error\": \"bad request\"}")]
    public void Parse_BadReply_ThrowsProtocolException(string json) =>
        Assert.Throws<RspamdProtocolException>(() => RspamdReply.Parse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Parse_OrdersSymbolsByScore()
    {
        var reply = RspamdReply.Parse("""{"action":"add header","score":7.5,"required_score":15,"symbols":{"A":{"score":0.5},"B":{"score":6.0},"C":{"score":-1.0}}}"""u8);

        Assert.Equal(["B", "C", "A"], reply.Symbols);
        Assert.Equal("add header", reply.Action);
        Assert.Equal(15, reply.RequiredScore);
        Assert.Null(reply.SmtpMessage);
    }
}
