using System.Text;
using Mail.Web.Tests.EndToEnd.Clients;
using Mail.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mail.Web.Tests.EndToEnd;

/// <summary>
/// Every corpus message goes in through real SMTP clients and comes back through real IMAP and POP3 clients,
/// byte for byte after the trace headers SMTP in prepends, against the real server binary.
/// </summary>
/// <remarks>
/// Senders: python3 smtplib (to alice), MailKit SmtpClient with raw bytes (to bob). Readers: python3 imaplib,
/// MailKit ImapClient, mbsync (isync), python3 poplib, fetchmail (POP3). Every reader reads both mailboxes, so every
/// sender/reader pair is checked; the test prints pass/total per pair. Corpus handling: <see cref="CorpusMessages"/>.
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed class CorpusRoundTripTests(ITestOutputHelper output)
{
    private static readonly IMailSender[] s_senders = [new PythonSmtpSender(), new MailKitSmtpSender()];
    private static readonly IMailboxReader[] s_readers =
        [new PythonImapReader(), new MailKitImapReader(), new MbsyncReader(), new PythonPop3Reader(), new FetchmailReader()];

    // Documented client behaviour is not counted against the server: pass + header-only exceptions must equal the corpus.
    [Fact]
    public async Task CorpusMessages_SentBySmtpClients_ComeBackByteExactThroughImapAndPop3Clients()
    {
        var corpus = CorpusMessages.All;
        Assert.True(corpus.Count > 200, $"only {corpus.Count} corpus messages found under {TestPaths.Corpus}");
        var messages = corpus.Select(m => m.Bytes).ToList();
        var work = TestPaths.NewTempDirectory("roundtrip");
        await using var server = await MailServerProcess.StartAsync();
        await server.AddDomainAsync("example.com");
        string[] users = ["alice@example.com", "bob@example.com"];
        foreach (var user in users)
        {
            await server.AddUserAsync(user);
        }
        var target = new ClientTarget("127.0.0.1", server.SmtpPort, server.ImapPort, server.Pop3Port);

        // Both senders at once, each on its own session and mailbox.
        var sends = await Task.WhenAll(s_senders.Select((sender, i) =>
            sender.SendAsync(target.Host, target.Smtp, "sender@example.net", users[i], messages, Path.Combine(work, $"send-{i}"))));

        var report = new StringBuilder();
        var failures = new List<string>();
        report.AppendLine($"corpus: {corpus.Count} messages ({corpus.Sum(m => (long)m.Bytes.Length)} octets) from {TestPaths.Corpus}");
        for (var s = 0; s < s_senders.Length; s++)
        {
            var accepted = sends[s].Count(r => r.Accepted);
            report.AppendLine($"{s_senders[s].Name} -> {users[s]}: {accepted}/{corpus.Count} accepted (250)");
            for (var i = 0; i < sends[s].Count; i++)
            {
                if (!sends[s][i].Accepted)
                {
                    failures.Add($"{s_senders[s].Name} {corpus[i].Name}: {sends[s][i].Code} {sends[s][i].Reply}");
                }
            }
            if (sends[s].Count != corpus.Count)
            {
                failures.Add($"{s_senders[s].Name}: {sends[s].Count} replies for {corpus.Count} messages");
            }
        }

        for (var s = 0; s < s_senders.Length; s++)
        {
            var changed = Enumerable.Range(0, sends[s].Count).Count(i => sends[s][i].Sent is { } sent && !sent.AsSpan().SequenceEqual(messages[i]));
            if (changed > 0)
            {
                report.AppendLine($"{s_senders[s].Name} sent {changed} messages other than the corpus bytes (its MIME writer normalized them); those are compared with what it sent");
            }
        }

        foreach (var reader in s_readers)
        {
            for (var s = 0; s < s_senders.Length; s++)
            {
                var pair = $"{s_senders[s].Name} -> {reader.Name}";
                try
                {
                    var got = await reader.ReadAsync(target, users[s], MailServerProcess.DefaultPassword, Path.Combine(work, $"read-{reader.Name}-{s}".Replace(' ', '-')));
                    report.AppendLine(Compare(corpus, sends[s], got, reader, pair, failures));
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or OperationCanceledException or MailKit.ProtocolException or MailKit.CommandException or MailKit.Security.AuthenticationException or System.Net.Sockets.SocketException)
                {
                    report.AppendLine($"{pair}: 0/{corpus.Count} byte-exact (the client failed)");
                    failures.Add($"{pair}: the client failed: {e.Message}");
                }
            }
        }

        output.WriteLine(report.ToString());
        foreach (var failure in failures.Take(60))
        {
            output.WriteLine("FAIL " + failure);
        }
        if (failures.Count == 0)
        {
            Directory.Delete(work, recursive: true);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} round-trip failures (work folder {work}):\n{report}\n{string.Join('\n', failures.Take(30))}\n--- server log tail\n{Tail(server.Log)}");
    }

    /// <summary>
    /// Compares one mailbox as a reader got it with what one sender sent (in order: the messages that got 250);
    /// returns the report line. A header-only message (no empty line after the header) may be skipped by the
    /// client (mbsync says so), and a client may rewrite a malformed header in a documented way
    /// (<see cref="IMailboxReader.ClientRewrite"/>, fetchmail); both are counted and named, never hidden.
    /// </summary>
    private static string Compare(IReadOnlyList<CorpusMessage> corpus, IReadOnlyList<SendResult> sends, ReaderResult got, IMailboxReader reader, string pair, List<string> failures)
    {
        var pass = 0;
        var skipped = 0;
        var rewrites = 0;
        var next = 0;
        for (var i = 0; i < corpus.Count; i++)
        {
            if (i >= sends.Count || !sends[i].Accepted)
            {
                continue;
            }
            var sent = sends[i].Sent ?? corpus[i].Bytes;
            var headerOnly = sent.AsSpan().IndexOf("\r\n\r\n"u8) < 0;
            if (headerOnly && skipped < got.SkippedHeaderOnly)
            {
                skipped++;
                continue;
            }
            if (next >= got.Messages.Count)
            {
                failures.Add($"{pair} {corpus[i].Name}: missing from the mailbox");
                continue;
            }
            var why = TraceHeaders.Mismatch(sent, got.Messages[next]);
            if (why is not null && reader.ClientRewrite(sent) is { } rewritten && TraceHeaders.Mismatch(rewritten, got.Messages[next]) is null)
            {
                // Byte-exact against what this client is documented to make of the message: not a server fault.
                rewrites++;
                next++;
                continue;
            }
            next++;
            if (why is null)
            {
                pass++;
            }
            else
            {
                failures.Add($"{pair} {corpus[i].Name}: {why}");
            }
        }
        if (next < got.Messages.Count)
        {
            failures.Add($"{pair}: {got.Messages.Count - next} more messages in the mailbox than were accepted");
        }
        if (skipped < got.SkippedHeaderOnly)
        {
            failures.Add($"{pair}: the client skipped {got.SkippedHeaderOnly} messages, {skipped} of them header-only");
        }
        var notes = (skipped > 0 ? $", {skipped} header-only skipped by {reader.Name}" : "")
            + (rewrites > 0 ? $", {rewrites} with a malformed header rewritten by {reader.Name} itself" : "");
        return $"{pair}: {pass}/{corpus.Count} byte-exact{notes}";
    }

    private static string Tail(string log) => log.Length > 4000 ? log[^4000..] : log;
}
