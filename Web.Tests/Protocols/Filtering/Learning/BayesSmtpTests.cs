using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Learning;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Protocols.Filtering.Learning;

/// <summary>
/// The per-user classifier in SMTP-in: a trained account's spam goes to its Junk, an untrained account's does not.
/// ScoreScale 2 makes BAYES_95 (6 points) and BAYES_99 (7) junk on their own (no spamd here).
/// </summary>
public sealed class BayesSmtpTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TrainedAccount_SpamToJunk_WithBayesRule_UntrainedAccount_Inbox()
    {
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Filters:Bayes:MinSpamMessages"] = "5",
            ["Mail:Filters:Bayes:MinHamMessages"] = "5",
            ["Mail:Filters:Bayes:ScoreScale"] = "2",
        }, spamd: false, clamd: false);
        var learner = h.Host.Services.GetRequiredService<ISpamLearner>();
        var (ham, spam) = BayesCorpusTests.Corpus();
        foreach (var message in BayesCorpusTests.Half(spam, 0))
        {
            await learner.LearnAsync("alice@example.com", new MemoryStream(message), SpamClass.Spam, default);
        }
        foreach (var message in BayesCorpusTests.Half(ham, 0))
        {
            await learner.LearnAsync("alice@example.com", new MemoryStream(message), SpamClass.Ham, default);
        }
        Assert.True((await learner.GetStatisticsAsync("alice@example.com", default)).Active);

        var test = BayesCorpusTests.Half(spam, 1);
        var verdicts = h.Host.Services.GetRequiredService<IVerdictStore>();
        var junked = 0;
        foreach (var message in test)
        {
            var reply = await h.SendAsync(FilterTestMessages.ToWire(message), "alice@example.com", "bob@example.com");
            var record = await verdicts.FindAsync("alice@example.com", FilterSmtpHarness.QueueId(reply), default);
            Assert.Contains(record!.Checks, c => c.Name == RecipientStage.BayesName && c.Symbols[0].StartsWith("BAYES_", StringComparison.Ordinal));
            Assert.DoesNotContain((await verdicts.FindAsync("bob@example.com", FilterSmtpHarness.QueueId(reply), default))!.Checks, c => c.Name == RecipientStage.BayesName);
            junked += record.Action == FilterAction.Junk ? 1 : 0;
        }
        output.WriteLine($"alice (trained on {BayesCorpusTests.Half(spam, 0).Count} spam, {BayesCorpusTests.Half(ham, 0).Count} ham): {junked}/{test.Count} unseen spam to Junk; bob (untrained): 0");

        var aliceJunk = await h.Host.MailboxAsync("alice@example.com", "Junk");
        Assert.Equal(junked, aliceJunk.Count);
        Assert.True(junked >= test.Count / 4, $"{junked}/{test.Count}");
        Assert.All(aliceJunk, m => Assert.Matches("tests=[^\r]*BAYES_9", FilterTestMessages.HeaderOf(m)));
        Assert.Equal(test.Count, (await h.Host.InboxAsync("bob@example.com")).Count);
    }
}
