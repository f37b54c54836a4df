using Mail.Protocols.Store;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Webmail.Security;

/// <summary>
/// A host whose alice INBOX holds the XSS cases of <see cref="XssCorpus"/> and every file of the shared
/// corpus's <c>html/</c> folder (line ends normalized to CRLF), delivered through the mailbox store.
/// </summary>
public sealed class SecurityHostFixture : MailHostFixture, IAsyncLifetime
{
    /// <summary>UID in alice's INBOX of each XSS case, by case name.</summary>
    public IReadOnlyDictionary<string, uint> CaseUids { get; private set; } = new Dictionary<string, uint>();

    /// <summary>UID in alice's INBOX of each corpus file, by file name.</summary>
    public IReadOnlyDictionary<string, uint> CorpusUids { get; private set; } = new Dictionary<string, uint>();

    /// <summary>Starts the host, then delivers the messages.</summary>
    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var store = Services.GetRequiredService<IMailStore>();
        var cases = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var (name, message) in XssCorpus.Cases())
        {
            using var buffer = new MemoryStream();
            await message.WriteToAsync(buffer);
            cases[name] = await DeliverAsync(store, buffer.ToArray(), name);
        }
        var corpus = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var file in WebmailCorpus.HtmlFiles())
        {
            corpus[Path.GetFileName(file)] = await DeliverAsync(store, WebmailHostFixture.NormalizeLineEnds(await File.ReadAllBytesAsync(file)), file);
        }
        CaseUids = cases;
        CorpusUids = corpus;
    }

    private static async Task<uint> DeliverAsync(IMailStore store, byte[] bytes, string what)
    {
        using var message = new MemoryStream(bytes);
        var outcome = await store.DeliverAsync([Alice], message, DateTimeOffset.UtcNow, CancellationToken.None);
        if (outcome[0].Status != StoreStatus.Ok)
        {
            throw new InvalidOperationException($"Delivering {what} failed: {outcome[0].Status}.");
        }
        return outcome[0].Uid;
    }
}

/// <summary>One <see cref="SecurityHostFixture"/> for the webmail security tests.</summary>
[CollectionDefinition(Name)]
public sealed class SecurityHostCollection : ICollectionFixture<SecurityHostFixture>
{
    public const string Name = "WebmailSecurityHost";
}
