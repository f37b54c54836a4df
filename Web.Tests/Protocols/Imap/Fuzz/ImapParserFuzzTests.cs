using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Mail.Web.Tests.EndToEnd;
using Mail.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Protocols.Imap.Fuzz;

/// <summary>
/// Fuzzes the IMAP command parser of the real server binary with random bytes and with mutated commands taken
/// from the imaptest scripts (../shared/conformance/imaptest/tests), before and after login, for
/// <c>FUZZ_SECONDS</c> seconds (default 20). Every connection must end (the server closes after the client's EOF,
/// never hangs), every reply line must be untagged, a continuation, or tagged OK/NO/BAD (never [SERVERBUG]), the
/// process must stay up, and its open connections must return to zero.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class ImapParserFuzzTests(ITestOutputHelper output)
{
    private const string User = "fuzz@example.com";
    private static readonly string[] s_tokens =
    [
        "(", ")", "{5}\r\n", "{4294967296}\r\n", "{3+}\r\nabc", "{0}\r\n", "~{2}\r\nab", "\"", "\\", "[", "]", "<", ">", "<0.4294967295>",
        "*", "%", "NIL", "\0", "\r", "\n", " ", "1:*", "4294967295", "4294967296", "-1", "0", "UID ", "BODY[", "BODY.PEEK[1.2.3.MIME]",
        "((((((((((((((((((((((((((((((((", "))))", "$", "\u00e9", "\"\\\"\"", "CHARSET UTF-8 ", "=?utf-8?b?", "(FLAGS ", "\\Seen",
    ];

    [Fact]
    public async Task RandomAndMutatedCommands_ServerAnswersEveryConnectionAndStaysUp()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 20;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), CultureInfo.InvariantCulture, out var f) ? f : Environment.TickCount;
        output.WriteLine($"FUZZ_SECONDS={seconds} FUZZ_SEED={seed}");
        var commands = ImaptestCommands();
        Assert.True(commands.Count > 200, $"only {commands.Count} commands found in the imaptest scripts");

        await using var server = await MailServerProcess.StartAsync();
        await server.AddDomainAsync("example.com");
        await server.AddUserAsync(User);
        await using (var setup = await RawAsync(server.ImapPort))
        {
            await setup.SendAsync($"a LOGIN {User} {MailServerProcess.DefaultPassword}\r\nb CREATE Sub\r\n");
            foreach (var (name, bytes) in CorpusMessages.All.Take(5).Select(m => (m.Name, m.Bytes)))
            {
                await setup.SendAsync($"c APPEND INBOX {{{bytes.Length}+}}\r\n");
                await setup.SendAsync(bytes);
                await setup.SendAsync("\r\n");
            }
            await setup.SendAsync("z LOGOUT\r\n");
            await setup.ReadToEndAsync(TimeSpan.FromSeconds(60));
        }

        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(seed + w);
            var runs = 0;
            var tagged = 0;
            while (stopwatch.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                var (input, reply) = await OneConnectionAsync(server.ImapPort, random, commands);
                var problem = Check(reply);
                Assert.True(problem is null, $"{problem}\n--- sent (seed {seed}, worker {w})\n{Printable(input)}\n--- received\n{Printable(reply)}");
                runs++;
                tagged += TaggedReply().Count(Encoding.Latin1.GetString(reply));
            }
            return (runs, tagged);
        })).ToList();
        var results = await Task.WhenAll(workers);
        output.WriteLine($"{results.Sum(r => r.runs)} fuzz connections, {results.Sum(r => r.tagged)} tagged OK/NO/BAD replies in {stopwatch.Elapsed.TotalSeconds:F0} s");
        Assert.True(results.Sum(r => r.tagged) > results.Sum(r => r.runs), "the fuzz connections got (almost) no tagged replies: the parser was not reached");

        Assert.NotNull(server.ProcessId);
        Assert.Equal(0, await ImapServerSockets.WaitForZeroAsync(server.ImapPort, TimeSpan.FromSeconds(30)));
        await using var after = await RawAsync(server.ImapPort);
        await after.SendAsync($"a LOGIN {User} {MailServerProcess.DefaultPassword}\r\nb SELECT INBOX\r\nc LOGOUT\r\n");
        var text = Encoding.Latin1.GetString(await after.ReadToEndAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("b OK", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SERVERBUG", server.Log, StringComparison.Ordinal);
    }

    /// <summary>One connection: random bytes, or mutated commands before or after LOGIN (and SELECT), then EOF.</summary>
    private static async Task<(byte[] Input, byte[] Reply)> OneConnectionAsync(int port, Random random, List<string> commands)
    {
        var input = new MemoryStream();
        void Add(string text) => input.Write(Encoding.Latin1.GetBytes(text));
        var mode = random.Next(4);
        if (mode == 0)
        {
            var junk = new byte[random.Next(1, 3000)];
            random.NextBytes(junk);
            input.Write(junk);
        }
        else
        {
            if (mode >= 2)
            {
                Add($"L LOGIN {User} {MailServerProcess.DefaultPassword}\r\n");
            }
            if (mode == 3)
            {
                Add(random.Next(2) == 0 ? "S SELECT INBOX\r\n" : "S EXAMINE Sub\r\n");
            }
            for (var i = random.Next(1, 8); i > 0; i--)
            {
                input.Write(Mutate(random, $"f{i} {commands[random.Next(commands.Count)]}"));
                Add("\r\n");
            }
        }
        Add("\r\nzz NOOP\r\n");
        var bytes = input.ToArray();
        await using var connection = await RawAsync(port);
        var reading = connection.ReadToEndAsync(TimeSpan.FromSeconds(30));
        try
        {
            await connection.SendAsync(bytes);
            connection.ShutdownSend();
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // The server closed first (BYE after too many bad commands, or a refused literal): allowed.
        }
        return (bytes, await reading);
    }

    private static byte[] Mutate(Random random, string command)
    {
        var bytes = Encoding.Latin1.GetBytes(command).ToList();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.InsertRange(at, Encoding.Latin1.GetBytes(s_tokens[random.Next(s_tokens.Length)]));
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(Math.Min(at, bytes.Count - 1), Math.Min(random.Next(1, 10), bytes.Count - Math.Min(at, bytes.Count - 1)));
                    break;
                case 3 when at < bytes.Count:
                    var length = Math.Min(random.Next(1, 40), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>
    /// Null when every reply line (literals skipped by their announced length) is <c>* ...</c>, <c>+ ...</c> or
    /// <c>tag OK|NO|BAD ...</c> and none is [SERVERBUG]; else what is wrong.
    /// </summary>
    private static string? Check(byte[] reply)
    {
        if (reply.Length == 0)
        {
            return "no reply at all (not even the greeting)";
        }
        var at = 0;
        while (at < reply.Length)
        {
            var start = at;
            var line = new StringBuilder();
            while (true)
            {
                var lf = Array.IndexOf(reply, (byte)'\n', at);
                if (lf < 0)
                {
                    return $"reply ends inside a line at octet {at}";
                }
                var piece = Encoding.Latin1.GetString(reply, at, lf + 1 - at);
                line.Append(piece);
                at = lf + 1;
                var literal = LiteralAtEnd().Match(piece);
                if (!literal.Success)
                {
                    break;
                }
                at += int.Parse(literal.Groups[1].Value, CultureInfo.InvariantCulture);
                if (at > reply.Length)
                {
                    return "reply ends inside a literal";
                }
            }
            var text = line.ToString();
            if (!ReplyLine().IsMatch(text))
            {
                return $"malformed reply line at octet {start}: {text.TrimEnd()}";
            }
            if (text.Contains("SERVERBUG", StringComparison.Ordinal))
            {
                return "the server failed on a command: " + text.TrimEnd();
            }
        }
        return null;
    }

    /// <summary>The command part of every <c>ok|no|bad command</c> line of the imaptest scripts.</summary>
    private static List<string> ImaptestCommands()
    {
        var folder = Path.Combine(Path.GetDirectoryName(TestPaths.Corpus)!, "conformance", "imaptest", "tests");
        return [.. Directory.EnumerateFiles(folder).Where(p => !p.EndsWith(".mbox", StringComparison.Ordinal))
            .SelectMany(File.ReadLines)
            .Select(l => ScriptCommand().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)];
    }

    private static string Printable(byte[] bytes) =>
        Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 4000)]).Replace("\r", "\\r", StringComparison.Ordinal);

    private static async Task<RawConnection> RawAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new RawConnection(client);
    }

    [GeneratedRegex(@"\{(\d+)\}\r\n$", RegexOptions.CultureInvariant)]
    private static partial Regex LiteralAtEnd();

    [GeneratedRegex(@"^(\* |\+( |\r\n)|[^ \r\n]+ (OK|NO|BAD)( |\r\n))", RegexOptions.CultureInvariant)]
    private static partial Regex ReplyLine();

    [GeneratedRegex(@"^[^ *+\r\n]+ (OK|NO|BAD) ", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex TaggedReply();

    [GeneratedRegex(@"^(?:\d+ )?(?:ok|no|bad) (.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ScriptCommand();

    /// <summary>A raw socket: send bytes, half-close, read everything until the server closes.</summary>
    private sealed class RawConnection(TcpClient client) : IAsyncDisposable
    {
        private readonly NetworkStream _stream = client.GetStream();

        public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

        public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

        public void ShutdownSend() => client.Client.Shutdown(SocketShutdown.Send);

        /// <summary>Everything until EOF; fails (the server hung) when EOF does not come within <paramref name="timeout"/>.</summary>
        public async Task<byte[]> ReadToEndAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            var buffer = new MemoryStream();
            try
            {
                await _stream.CopyToAsync(buffer, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"the server neither answered nor closed within {timeout}; got so far:\n{Printable(buffer.ToArray())}");
            }
            catch (IOException)
            {
                // Reset by the server after its BYE: the end.
            }
            return buffer.ToArray();
        }

        public ValueTask DisposeAsync()
        {
            client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
