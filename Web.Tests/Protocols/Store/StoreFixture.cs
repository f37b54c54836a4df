using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Store;

/// <summary>A real store (files and SQLite) in a fresh temp directory, removed on dispose.</summary>
internal sealed class StoreFixture : IDisposable
{
    public StoreFixture(IQuotaProvider? quota = null, long maxMessageOctets = 64L * 1024 * 1024)
    {
        DataPath = Path.Combine(Path.GetTempPath(), "mailstore-tests", Guid.NewGuid().ToString("N"));
        Quota = quota ?? new UnlimitedQuotaProvider();
        MaxMessageOctets = maxMessageOctets;
        Store = Create();
    }

    public string DataPath { get; }

    public IQuotaProvider Quota { get; }

    public long MaxMessageOctets { get; }

    public MailStore Store { get; private set; }

    public string Root => Store.Root;

    /// <summary>Disposes the current store (as a process exit would) and opens a new one on the same files.</summary>
    public MailStore Reopen()
    {
        Store.Dispose();
        Store = Create();
        return Store;
    }

    public MailStore Create() => new(
        Options.Create(new MailOptions { DataPath = DataPath }),
        Options.Create(new StoreLimits { MaxMessageOctets = MaxMessageOctets }),
        Quota,
        TimeProvider.System,
        NullLogger<MailStore>.Instance);

    public async Task<IAccountStore> AccountAsync(string account = "alice@example.com") =>
        await Store.OpenAccountAsync(account, CancellationToken.None);

    public void Dispose()
    {
        Store.Dispose();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind does not affect other tests.
        }
    }

    public static MemoryStream Message(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));

    public static byte[] Sample(int index, int size = 0)
    {
        var text = $"From: a@example.com\r\nTo: b@example.com\r\nSubject: message {index}\r\n\r\nbody {index}\r\n";
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        if (size > bytes.Length)
        {
            var padded = new byte[size];
            bytes.CopyTo(padded, 0);
            padded.AsSpan(bytes.Length).Fill((byte)'x');
            return padded;
        }
        return bytes;
    }

    public static async Task<byte[]> ReadAllAsync(IAccountStore account, long mailboxId, uint uid)
    {
        await using var stream = await account.OpenMessageAsync(mailboxId, uid, CancellationToken.None);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}

/// <summary>A quota provider with a settable quota.</summary>
internal sealed class FixedQuotaProvider(long quota) : IQuotaProvider
{
    public long Quota { get; set; } = quota;

    public ValueTask<long> GetQuotaOctetsAsync(string account, CancellationToken cancellationToken) => ValueTask.FromResult(Quota);
}

/// <summary>Locates the shared corpus: <c>shared/corpus</c> beside the repository root or an ancestor of it.</summary>
internal static class CorpusFiles
{
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Webmail.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        for (var probe = dir; probe is not null; probe = probe.Parent)
        {
            var candidate = Path.Combine(probe.FullName, "shared", "corpus");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("shared/corpus not found above " + dir.FullName);
    }

    public static IReadOnlyList<string> All() =>
        Directory.EnumerateFiles(Root(), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
}
