using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

// SEARCH benchmark seeder, driven by bench/imap-search.sh (the server must not be running on the data path):
//   <dataPath> <account> <count> <corpusDir>
// Delivers <count> messages into the account's INBOX through IMailStore.DeliverAsync (the same tmp → fsync → rename →
// group commit path, full-text index included), 32 at a time. Each message is a corpus message's subject and decoded
// text (cycled), plus, for the benchmark's terms: "zyzzogeton" in every 10,000th message (rare word) and the phrase
// "budget review meeting" in every 100th (phrase); "the" is the common word of the corpus text.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: SearchSeed <dataPath> <account> <count> <corpusDir>");
    return 2;
}
// SORT benchmark mode, driven by bench/imap-sort.sh: SearchSeed --files <dataPath> <account> <maildirCur>
// Delivers every file of <maildirCur> (bench/sort_corpus.py's folder, the same files Dovecot gets) into the account's
// INBOX, 32 at a time, with the file's mtime as INTERNALDATE (what Dovecot's maildir uses).
if (args[0] == "--files")
{
    var files = Directory.GetFiles(args[3]).Order(StringComparer.Ordinal).ToArray();
    var fileStore = new MailStore(Options.Create(new MailOptions { DataPath = args[1] }), Options.Create(new StoreLimits()), new UnlimitedQuotaProvider(), TimeProvider.System, NullLogger<MailStore>.Instance);
    var clock = Stopwatch.StartNew();
    var taken = -1;
    await Parallel.ForAsync(0, 32, async (_, ct) =>
    {
        int i;
        while ((i = Interlocked.Increment(ref taken)) < files.Length)
        {
            await using var stream = File.OpenRead(files[i]);
            var outcome = await fileStore.DeliverAsync([args[2]], stream, new DateTimeOffset(File.GetLastWriteTimeUtc(files[i]), TimeSpan.Zero), ct);
            if (outcome[0].Status != StoreStatus.Ok)
            {
                throw new InvalidOperationException($"delivery of {files[i]}: {outcome[0].Status}");
            }
            if (i % 10_000 == 0)
            {
                Console.WriteLine($"{i} messages, {clock.Elapsed.TotalSeconds:F0} s");
            }
        }
    });
    fileStore.Dispose();
    Console.WriteLine($"seeded {files.Length} messages in {clock.Elapsed.TotalSeconds:F1} s");
    return 0;
}

var (dataPath, account, count, corpusDir) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);

var texts = new List<(string Subject, string Text)>();
foreach (var file in Directory.EnumerateFiles(corpusDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
{
    if (Path.GetFileName(file).StartsWith('.') || file.EndsWith(".md", StringComparison.Ordinal) || file.EndsWith(".mbox", StringComparison.Ordinal))
    {
        continue;
    }
    try
    {
        var message = MimeMessage.Load(file);
        var text = message.TextBody ?? "";
        if (text.Length > 0)
        {
            texts.Add((message.Subject ?? "", text.Length > 6000 ? text[..6000] : text));
        }
    }
    catch (FormatException)
    {
        // Not a message (the corpus keeps some deliberately broken ones).
    }
}
Console.WriteLine($"{texts.Count} corpus texts");

var store = new MailStore(Options.Create(new MailOptions { DataPath = dataPath }), Options.Create(new StoreLimits()), new UnlimitedQuotaProvider(), TimeProvider.System, NullLogger<MailStore>.Instance);
var watch = Stopwatch.StartNew();
var next = -1;
var date = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
await Parallel.ForAsync(0, 32, async (_, ct) =>
{
    int i;
    while ((i = Interlocked.Increment(ref next)) < count)
    {
        var (subject, text) = texts[i % texts.Count];
        var body = new StringBuilder(text.Length + 256);
        body.Append(text.ReplaceLineEndings("\r\n")).Append("\r\n");
        if (i % 10_000 == 7)
        {
            body.Append("A zyzzogeton was seen near the office.\r\n");
        }
        if (i % 100 == 3)
        {
            body.Append("Please come to the budget review meeting on Friday.\r\n");
        }
        var header = $"From: sender{i % 97}@example.org\r\nTo: bench@bench.test\r\nSubject: {subject.ReplaceLineEndings(" ")}\r\n" +
            $"Date: {date.AddMinutes(i).ToString("ddd, d MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)}\r\nMessage-ID: <bench{i}@bench.test>\r\n" +
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(header + body));
        var outcome = await store.DeliverAsync([account], stream, date.AddMinutes(i), ct);
        if (outcome[0].Status != StoreStatus.Ok)
        {
            throw new InvalidOperationException($"delivery {i}: {outcome[0].Status}");
        }
        if (i % 10_000 == 0)
        {
            Console.WriteLine($"{i} messages, {watch.Elapsed.TotalSeconds:F0} s");
        }
    }
});
store.Dispose();
Console.WriteLine($"seeded {count} messages in {watch.Elapsed.TotalSeconds:F1} s");
return 0;
