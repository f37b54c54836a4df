using System.Diagnostics;
using Mail.Protocols.Filtering;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Filtering;

/// <summary>Unit tests of the verdict logic, ordering, timeouts and parallelism with stand-in scanners.</summary>
public sealed class MessageScanPipelineTests
{
    private static readonly ScanMessage Message = FilterTestMessages.Scan(FilterTestMessages.Plain("hi"));

    private static MessageScanPipeline Pipeline(FilterOptions options, params IMessageScanner[] scanners) =>
        new(scanners, Options.Create(options), TimeProvider.System, NullLogger<MessageScanPipeline>.Instance);

    [Fact]
    public async Task NoScanners_Delivers_WithAuthenticationResultsNone()
    {
        var verdict = await Pipeline(new FilterOptions()).ScanAsync(Message, "Q1", "mx.test.example", [], CancellationToken.None);

        Assert.Equal(FilterAction.Deliver, verdict.Action);
        Assert.Null(verdict.Score);
        Assert.Contains("Authentication-Results: mx.test.example; none\r\n", verdict.Headers);
        Assert.Contains("X-Mail-Scan: id=Q1\r\n", verdict.Headers);
        Assert.DoesNotContain("X-Spam", verdict.Headers);
    }

    [Theory]
    [InlineData(1.0, FilterAction.Deliver)]
    [InlineData(5.0, FilterAction.Junk)]
    [InlineData(14.9, FilterAction.Junk)]
    [InlineData(15.0, FilterAction.RejectSpam)]
    public async Task Score_MapsToAction(double score, FilterAction expected)
    {
        var verdict = await Pipeline(new FilterOptions(), new StubScanner("spamd", ScanOutcome.Clean, score)).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Equal(expected, verdict.Action);
        Assert.Equal(score, verdict.Score);
    }

    [Fact]
    public async Task Junk_HasSpamHeaders()
    {
        var verdict = await Pipeline(new FilterOptions(), new StubScanner("spamd", ScanOutcome.Spam, 7.25, ["RULE_A", "RULE_B"])).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Contains("X-Spam-Flag: YES\r\n", verdict.Headers);
        Assert.Contains("X-Spam-Score: 7.25\r\n", verdict.Headers);
        Assert.Contains("X-Spam-Status: Yes, score=7.25 required=5.0 tests=RULE_A,RULE_B\r\n", verdict.Headers);
        Assert.Contains("X-Mail-Scan: id=Q; spamd=spam (7.25)\r\n", verdict.Headers);
    }

    [Fact]
    public async Task LongRuleList_IsFolded()
    {
        var rules = Enumerable.Range(0, 30).Select(i => "SOME_LONG_RULE_NAME_" + i).ToArray();
        var verdict = await Pipeline(new FilterOptions(), new StubScanner("spamd", ScanOutcome.Spam, 9, rules)).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.All(verdict.Headers.Split("\r\n"), line => Assert.True(line.Length <= 78, line));
        Assert.Contains("\r\n\tSOME_LONG_RULE_NAME_", verdict.Headers);
    }

    [Fact]
    public async Task Virus_BeatsFailureAndScore()
    {
        var verdict = await Pipeline(new FilterOptions(),
            new StubScanner("clamd", ScanOutcome.Virus, null, ["Eicar;(bad)\r\nX: y"]),
            new StubScanner("spamd", ScanOutcome.Failed, null)).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Equal(FilterAction.RejectVirus, verdict.Action);
        Assert.Equal("EicarbadX:y", verdict.Reason);
    }

    [Fact]
    public async Task Failure_Tempfails_ByDefault()
    {
        var verdict = await Pipeline(new FilterOptions(), new StubScanner("spamd", ScanOutcome.Failed, null)).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Equal(FilterAction.Tempfail, verdict.Action);
    }

    [Fact]
    public async Task Failure_WithPassWithHeader_DeliversMarked()
    {
        var verdict = await Pipeline(new FilterOptions { FailurePolicy = FilterFailurePolicy.PassWithHeader }, new StubScanner("spamd", ScanOutcome.Failed, null)).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Equal(FilterAction.Deliver, verdict.Action);
        Assert.Contains("spamd=failed (stub failure)", verdict.Headers);
    }

    [Fact]
    public async Task Failure_ScannerPolicyOverridesGlobal()
    {
        var lenient = new StubScanner("spamd", ScanOutcome.Failed, null) { Policy = FilterFailurePolicy.PassWithHeader };
        var verdict = await Pipeline(new FilterOptions(), lenient).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Equal(FilterAction.Deliver, verdict.Action);
    }

    [Fact]
    public async Task SlowScanner_TimesOut_AndPolicyApplies()
    {
        var slow = new StubScanner("spamd", ScanOutcome.Clean, 0) { Delay = TimeSpan.FromSeconds(30), ScanTimeout = TimeSpan.FromMilliseconds(200) };
        var watch = Stopwatch.StartNew();

        var verdict = await Pipeline(new FilterOptions(), slow).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Equal(FilterAction.Tempfail, verdict.Action);
        Assert.Contains("timed out", verdict.Results[0].Detail);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task ScannerThatIgnoresCancellation_StillTimesOut()
    {
        var stubborn = new StubScanner("spamd", ScanOutcome.Clean, 0) { Delay = TimeSpan.FromSeconds(3), IgnoreCancellation = true, ScanTimeout = TimeSpan.FromMilliseconds(200) };
        var watch = Stopwatch.StartNew();

        var verdict = await Pipeline(new FilterOptions(), stubborn).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Equal(FilterAction.Tempfail, verdict.Action);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task ThrowingScanner_CountsAsFailure()
    {
        var verdict = await Pipeline(new FilterOptions(), new StubScanner("spamd", ScanOutcome.Clean, 0) { Throw = true }).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Equal(FilterAction.Tempfail, verdict.Action);
        Assert.Equal("internal error", verdict.Results[0].Detail);
    }

    [Fact]
    public async Task Parallel_CostsTheSlowestScanner_NotTheSum()
    {
        var a = new StubScanner("clamd", ScanOutcome.Clean, null) { Delay = TimeSpan.FromMilliseconds(600) };
        var b = new StubScanner("spamd", ScanOutcome.Clean, 1) { Delay = TimeSpan.FromMilliseconds(600) };
        var watch = Stopwatch.StartNew();

        await Pipeline(new FilterOptions(), a, b).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(1100), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task Sequential_StopsAtFirstVirus_InConfiguredOrder()
    {
        var spam = new StubScanner("spamd", ScanOutcome.Clean, 1);
        var clam = new StubScanner("clamd", ScanOutcome.Virus, null, ["Eicar"]);

        var verdict = await Pipeline(new FilterOptions { Parallel = false, Order = ["clamd", "spamd"] }, spam, clam).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Equal(FilterAction.RejectVirus, verdict.Action);
        Assert.Single(verdict.Results);
        Assert.Equal(0, spam.Calls);
    }

    [Fact]
    public async Task Results_FollowConfiguredOrder_DisabledScannersSkipped()
    {
        var verdict = await Pipeline(new FilterOptions { Order = ["spamd", "clamd"] },
            new StubScanner("clamd", ScanOutcome.Clean, null),
            new StubScanner("other", ScanOutcome.Clean, null) { IsEnabled = false },
            new StubScanner("spamd", ScanOutcome.Clean, 0.5)).ScanAsync(Message, "Q", "mx", [], CancellationToken.None);

        Assert.Equal(["spamd", "clamd"], verdict.Results.Select(r => r.Scanner));
        Assert.Contains("X-Virus-Scanned: clamd\r\n", verdict.Headers);
        Assert.Contains("X-Spam-Flag: NO\r\n", verdict.Headers);
    }

    private sealed class StubScanner(string name, ScanOutcome outcome, double? score, string[]? symbols = null) : IMessageScanner
    {
        public int Calls;

        public string Name => name;

        public bool Enabled => IsEnabled;

        public bool IsEnabled { get; init; } = true;

        public TimeSpan Timeout => ScanTimeout;

        public TimeSpan ScanTimeout { get; init; } = TimeSpan.FromSeconds(10);

        public FilterFailurePolicy? FailurePolicy => Policy;

        public FilterFailurePolicy? Policy { get; init; }

        public TimeSpan Delay { get; init; }

        public bool IgnoreCancellation { get; init; }

        public bool Throw { get; init; }

        public async Task<ScanResult> ScanAsync(ScanMessage message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, IgnoreCancellation ? CancellationToken.None : cancellationToken);
            }
            if (Throw)
            {
                throw new InvalidOperationException("stub bug");
            }
            var detail = outcome switch
            {
                ScanOutcome.Virus => symbols?[0],
                ScanOutcome.Failed => "stub failure",
                _ => null,
            };
            return new ScanResult(name, outcome, score, score is null ? null : 5.0, symbols ?? [], detail, TimeSpan.FromMilliseconds(1));
        }
    }
}
