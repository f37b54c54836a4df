using Mail.Protocols.Store;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The whole host (<see cref="MailHostFixture"/>) with a webmail page size of <see cref="PageSize"/> and
/// alice's INBOX filled, through the mailbox store, with the HTML corpus and a few ham messages
/// (line ends normalized to CRLF).
/// </summary>
public sealed class WebmailHostFixture : MailHostFixture, IAsyncLifetime
{
    /// <summary>Messages per page in this host, small so the corpus spans several pages.</summary>
    public const int PageSize = 20;

    public WebmailHostFixture()
        : base(new Dictionary<string, string?> { ["Mail:Webmail:PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) })
    {
    }

    /// <summary>Corpus files delivered to alice, in delivery (UID) order.</summary>
    public IReadOnlyList<string> Delivered { get; private set; } = [];

    /// <summary>UID in alice's INBOX of each delivered corpus file (relative path under the corpus).</summary>
    public IReadOnlyDictionary<string, uint> UidOf { get; private set; } = new Dictionary<string, uint>();

    /// <summary>Starts the host, then delivers the corpus (xunit calls this through the re-implemented <see cref="IAsyncLifetime"/>).</summary>
    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var store = Services.GetRequiredService<IMailStore>();
        var files = WebmailCorpus.HtmlFiles().Select(f => Path.Combine("html", Path.GetFileName(f)))
            .Concat(["ham/roundcube__list_01.eml", "ham/sa__nice__002.eml", "ham/rubymail__plain_emails__basic_email.eml"])
            .Where(f => File.Exists(WebmailCorpus.File(f)))
            .ToList();
        var uids = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            using var message = new MemoryStream(NormalizeLineEnds(await File.ReadAllBytesAsync(WebmailCorpus.File(file))));
            var outcome = await store.DeliverAsync([Alice], message, DateTimeOffset.UtcNow, CancellationToken.None);
            if (outcome[0].Status != StoreStatus.Ok)
            {
                throw new InvalidOperationException($"Delivering {file} failed: {outcome[0].Status}.");
            }
            uids[file] = outcome[0].Uid;
        }
        Delivered = files;
        UidOf = uids;
    }

    /// <summary>Bare CR and bare LF each become CRLF (the normalization of the corpus).</summary>
    public static byte[] NormalizeLineEnds(byte[] input)
    {
        var output = new List<byte>(input.Length + (input.Length / 40));
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            if (b == '\r')
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
                if (i + 1 < input.Length && input[i + 1] == '\n')
                {
                    i++;
                }
            }
            else if (b == '\n')
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
            }
            else
            {
                output.Add(b);
            }
        }
        return [.. output];
    }

    /// <summary>The Subject of a delivered corpus file, decoded.</summary>
    public static string SubjectOf(string file) => MimeKit.MimeMessage.Load(WebmailCorpus.File(file)).Subject ?? "";
}

/// <summary>One <see cref="WebmailHostFixture"/> shared by the webmail HTTP and browser tests.</summary>
[CollectionDefinition(Name)]
public sealed class WebmailHostCollection : ICollectionFixture<WebmailHostFixture>
{
    public const string Name = "WebmailHost";
}
