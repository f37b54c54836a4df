using System.Text;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Learning;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Filtering.Learning;

public sealed class SpamLearnerTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory("spamlearner");
    private readonly BayesStore _store;
    private readonly SpamLearner _learner;

    public SpamLearnerTests()
    {
        _store = new BayesStore(Options.Create(new MailOptions { DataPath = _dir }), TimeProvider.System);
        var options = new FilterOptions { Bayes = new BayesOptions { MinSpamMessages = 1, MinHamMessages = 1 } };
        _learner = new SpamLearner(_store, Options.Create(options), NullLogger<SpamLearner>.Instance);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    internal static MemoryStream Message(string subject, string body, string extraHeaders = "") =>
        new(Encoding.UTF8.GetBytes($"{extraHeaders}From: Sender <s@example.org>\r\nTo: alice@example.com\r\nSubject: {subject}\r\nMessage-ID: <{subject.GetHashCode(StringComparison.Ordinal)}@example.org>\r\n\r\n{body}\r\n"));

    [Fact]
    public async Task Learn_NewMessage_CountsTokensAndMessages()
    {
        var result = await _learner.LearnAsync("alice@example.com", Message("cheap pills", "Buy cheap pills now at http://pills.example/buy"), SpamClass.Spam, default);

        Assert.Equal(LearnOutcome.Learned, result.Outcome);
        Assert.True(result.Tokens > 5);
        Assert.Null(result.SpamdLearned);
        var stats = await _learner.GetStatisticsAsync("alice@example.com", default);
        Assert.Equal((1L, 0L, (long)result.Tokens, false), (stats.SpamMessages, stats.HamMessages, stats.Tokens, stats.Active));
        Assert.True(File.Exists(_store.PathOf("alice@example.com")));
    }

    [Fact]
    public async Task Learn_SameMessageTwice_AlreadyLearned_OtherClass_Relearned()
    {
        await _learner.LearnAsync("alice@example.com", Message("meeting", "See you at the meeting"), SpamClass.Spam, default);

        var again = await _learner.LearnAsync("alice@example.com", Message("meeting", "See you at the meeting"), SpamClass.Spam, default);
        var flipped = await _learner.LearnAsync("alice@example.com", Message("meeting", "See you at the meeting"), SpamClass.Ham, default);

        Assert.Equal(LearnOutcome.AlreadyLearned, again.Outcome);
        Assert.Equal(LearnOutcome.Relearned, flipped.Outcome);
        var stats = await _learner.GetStatisticsAsync("alice@example.com", default);
        Assert.Equal((0L, 1L), (stats.SpamMessages, stats.HamMessages));
        var counts = await _store.LookupAsync("alice@example.com", new HashSet<string> { "meeting" }, default);
        Assert.Equal((0L, 1L), counts!.Tokens["meeting"]);
    }

    [Fact]
    public async Task Statistics_UnknownAccount_Zero_NoFileCreated()
    {
        var stats = await _learner.GetStatisticsAsync("nobody@example.com", default);

        Assert.Equal((0L, 0L, 0L, false), (stats.SpamMessages, stats.HamMessages, stats.Tokens, stats.Active));
        Assert.False(File.Exists(_store.PathOf("nobody@example.com")));
        Assert.Null(await _store.LookupAsync("nobody@example.com", new HashSet<string> { "x" }, default));
    }

    [Fact]
    public async Task Accounts_AreSeparate()
    {
        await _learner.LearnAsync("alice@example.com", Message("a", "alpha words"), SpamClass.Spam, default);
        await _learner.LearnAsync("bob@example.com", Message("b", "bravo words"), SpamClass.Ham, default);

        Assert.Equal(1, (await _learner.GetStatisticsAsync("alice@example.com", default)).SpamMessages);
        Assert.Equal(0, (await _learner.GetStatisticsAsync("bob@example.com", default)).SpamMessages);
        Assert.NotEqual(_store.PathOf("alice@example.com"), _store.PathOf("bob@example.com"));
    }

    [Fact]
    public void Tokenizer_IgnoresFieldsAddedAtDelivery()
    {
        var tokenizer = new BayesTokenizer(new BayesOptions());
        var plain = Message("offer", "Limited offer, click https://www.deals.example/x").ToArray();
        var delivered = Message("offer", "Limited offer, click https://www.deals.example/x",
            "Return-Path: <s@example.org>\r\nX-Spam-Flag: YES\r\nX-Spam-Score: 7.1\r\nX-Mail-Scan: id=ABC; spamd=spam (7.1)\r\nAuthentication-Results: mx; none\r\nReceived: from x by y\r\n").ToArray();

        var a = tokenizer.Tokenize(plain, default);
        var b = tokenizer.Tokenize(delivered, default);

        Assert.Equal(a.Order(StringComparer.Ordinal), b.Order(StringComparer.Ordinal));
        Assert.Contains("url:deals.example", a);
        Assert.Contains("subject:offer", a);
        Assert.Contains("from:domain:example.org", a);
    }

    [Fact]
    public void Tokenizer_MaxTokensPerMessage_Bounds()
    {
        var tokenizer = new BayesTokenizer(new BayesOptions { MaxTokensPerMessage = 10 });
        var body = string.Join(' ', Enumerable.Range(0, 1000).Select(i => "word" + i));

        var tokens = tokenizer.Tokenize(Message("many", body).ToArray(), default);

        Assert.Equal(10, tokens.Count);
    }
}
