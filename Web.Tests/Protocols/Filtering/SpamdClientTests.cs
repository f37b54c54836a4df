using Mail.Protocols.Filtering.Spamd;

namespace Mail.Web.Tests.Protocols.Filtering;

/// <summary>SPAMC/1.5 against the real spamd of scripts/services-filters.sh.</summary>
public sealed class SpamdClientTests
{
    private static SpamdClient Client() => new(FilterDaemons.Spamd, "nobody", 256 * 1024);

    [Fact]
    public async Task Ping_AnswersPong()
    {
        Assert.True(await Client().PingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Check_Gtube_IsSpamWith1000Points()
    {
        var reply = await Client().SendAsync(SpamdVerb.Check, FilterTestMessages.Scan(FilterTestMessages.Plain(FilterTestMessages.Gtube)), long.MaxValue, CancellationToken.None);

        Assert.Equal(0, reply.Code);
        Assert.True(reply.IsSpam);
        Assert.True(reply.Score >= 1000);
        Assert.Equal(5.0, reply.Threshold);
    }

    [Fact]
    public async Task Symbols_Gtube_ListsTheGtubeRule()
    {
        var reply = await Client().SendAsync(SpamdVerb.Symbols, FilterTestMessages.Scan(FilterTestMessages.Plain(FilterTestMessages.Gtube)), long.MaxValue, CancellationToken.None);

        Assert.Contains("GTUBE", reply.Symbols);
    }

    [Fact]
    public async Task Report_Gtube_HasReportBody()
    {
        var reply = await Client().SendAsync(SpamdVerb.Report, FilterTestMessages.Scan(FilterTestMessages.Plain(FilterTestMessages.Gtube)), long.MaxValue, CancellationToken.None);

        Assert.Contains("GTUBE", reply.Body);
        Assert.Contains("Content analysis details", reply.Body);
    }

    [Fact]
    public async Task Check_NormalMail_IsNotSpam()
    {
        var reply = await Client().SendAsync(SpamdVerb.Check, FilterTestMessages.Scan(FilterTestMessages.Plain("See you at noon.\r\nBob")), long.MaxValue, CancellationToken.None);

        Assert.Equal(0, reply.Code);
        Assert.False(reply.IsSpam);
        Assert.True(reply.Score < 5.0);
    }
}
