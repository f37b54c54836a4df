using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Learning;
using Mail.Protocols.Filtering.Spamd;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Filtering.Learning;

/// <summary>
/// spamd <c>TELL</c> (Mail:Filters:Spamd:Learn) against a real spamd started with <c>--allow-tell</c>: the reply says
/// <c>DidSet: local</c> and spamd's own Bayes database (<c>sa-learn --dump magic</c>) counts the message.
/// </summary>
public sealed class SpamdTellTests : IClassFixture<TellSpamd>, IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private readonly TellSpamd _spamd;
    private readonly string _dir = TestPaths.NewTempDirectory("spamd-tell");

    public SpamdTellTests(TellSpamd spamd) => _spamd = spamd;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Corpus(string file) => File.ReadAllBytes(Path.Combine(TestPaths.Corpus, file));

    [Fact]
    public async Task Tell_Spam_RepliesDidSetLocalAndCountsInSpamdBayes()
    {
        var before = await _spamd.CountsAsync();
        var client = new SpamdClient(_spamd.Endpoint, "nobody", 64 * 1024);
        using var timeout = new CancellationTokenSource(Generous);

        var reply = await client.TellAsync(true, new ScanMessage(new System.Buffers.ReadOnlySequence<byte>(Corpus("spam/rspamd__btc2.eml"))), timeout.Token);

        Assert.Equal(0, reply.Code);
        Assert.Equal("local", reply.DidSet);
        var after = await _spamd.CountsAsync();
        Assert.Equal(before.Spam + 1, after.Spam);
        Assert.Equal(before.Ham, after.Ham);
    }

    [Fact]
    public async Task SpamLearner_JunkAndNotJunk_TellSpamdWhichLearnsBothClasses()
    {
        var options = new FilterOptions { Spamd = new SpamdOptions { Endpoint = _spamd.Endpoint, Learn = true, TimeoutSeconds = Generous.TotalSeconds } };
        using var store = new BayesStore(Options.Create(new MailOptions { DataPath = _dir }), TimeProvider.System);
        var learner = new SpamLearner(store, Options.Create(options), NullLogger<SpamLearner>.Instance);
        var before = await _spamd.CountsAsync();

        using var spam = new MemoryStream(Corpus("spam/rspamd__btc3.eml"));
        var spamResult = await learner.LearnAsync("alice@example.com", spam, SpamClass.Spam, CancellationToken.None);
        using var ham = new MemoryStream(Corpus("ham/sa__nice__002.eml"));
        var hamResult = await learner.LearnAsync("alice@example.com", ham, SpamClass.Ham, CancellationToken.None);

        Assert.True(spamResult.SpamdLearned, spamResult.SpamdError);
        Assert.True(hamResult.SpamdLearned, hamResult.SpamdError);
        var after = await _spamd.CountsAsync();
        Assert.Equal(before.Spam + 1, after.Spam);
        Assert.Equal(before.Ham + 1, after.Ham);
    }
}
