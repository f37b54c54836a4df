using System.Text;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>
/// A host whose store takes messages up to 1,000,000 octets while APPENDLIMIT allows 3,000,000, so that the store's
/// limit is met while a literal streams (ImapLimits.AppendSpoolThresholdOctets keeps its default, 64 KiB).
/// </summary>
public sealed class AppendSpoolHostFixture : MailHostFixture
{
    public const int StoreLimit = 1_000_000;
    public const int AppendLimit = 3_000_000;

    public AppendSpoolHostFixture()
        : base(new Dictionary<string, string?>
        {
            ["Mail:Store:MaxMessageOctets"] = StoreLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Imap:Limits:MaxAppendOctets"] = AppendLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
    {
    }

    /// <summary>A raw connection logged in as Alice.</summary>
    public async Task<ImapTestConnection> LoginAsync()
    {
        var c = await ImapTestConnection.ConnectAsync(Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap));
        var reply = await c.CommandAsync($"L1 LOGIN {Alice} {Password}");
        Assert.StartsWith("L1 OK", reply[^1], StringComparison.Ordinal);
        return c;
    }

    /// <summary>Files in the <c>tmp/</c> directories of every account of the host.</summary>
    public string[] TmpFiles() =>
        [.. Directory.GetDirectories(Path.Combine(DataPath, "mail"), "tmp", SearchOption.AllDirectories).SelectMany(Directory.GetFiles)];

    /// <summary>Polls until no account has a file in <c>tmp/</c> (30 s at most); returns what is left.</summary>
    public async Task<string[]> TmpFilesAfterSettlingAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string[] files;
        while ((files = TmpFiles()).Length > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        return files;
    }
}

/// <summary>
/// APPEND literals over the spool threshold stream from the connection into the store's <c>tmp/</c> file
/// (APPEND, MULTIAPPEND RFC 3502, LITERAL+ RFC 7888), with the limits enforced while they stream and nothing left in
/// <c>tmp/</c> after a refusal or a disconnect.
/// </summary>
public sealed class AppendSpoolTests(AppendSpoolHostFixture host) : IClassFixture<AppendSpoolHostFixture>
{
    /// <summary>A message of at least <paramref name="minOctets"/>: a header and corpus messages as its text body.</summary>
    private static byte[] LargeMessage(string subject, int minOctets)
    {
        var bytes = new List<byte>(Encoding.ASCII.GetBytes($"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nneedleword{subject}\r\n"));
        var i = 0;
        while (bytes.Count < minOctets)
        {
            bytes.AddRange(CorpusMessages.All[i++ % CorpusMessages.All.Count].Bytes);
        }
        return [.. bytes];
    }

    private static async Task<byte[]> FetchBodyAsync(ImapTestConnection c, int sequence)
    {
        await c.SendAsync($"f{sequence} FETCH {sequence} BODY.PEEK[]\r\n");
        var line = await c.ReadLineBytesAsync();
        var tagged = await c.ReadUntilTaggedAsync($"f{sequence}");
        Assert.StartsWith($"f{sequence} OK", tagged[^1], StringComparison.Ordinal);
        var text = Encoding.Latin1.GetString(line);
        var open = text.IndexOf('{', StringComparison.Ordinal);
        var close = text.IndexOf('}', open);
        var length = int.Parse(text.AsSpan(open + 1, close - open - 1), System.Globalization.CultureInfo.InvariantCulture);
        return line[(close + 3)..(close + 3 + length)];
    }

    [Fact]
    public async Task Append_LiteralOverSpoolThreshold_StoredByteForByte_IndexedAndTmpEmpty()
    {
        await using var c = await host.LoginAsync();
        var box = ImapTranscript.Unique("Spool");
        await c.CommandAsync($"c CREATE {box}");
        var message = LargeMessage("big1", 400_000);
        await c.SendAsync($"a1 APPEND {box} (\\Seen) {{{message.Length}}}\r\n");
        Assert.Equal("+ Ready for literal data", await c.ReadLineAsync());
        await c.SendAsync(message);
        await c.SendAsync("\r\n");
        Assert.Matches(@"^a1 OK \[APPENDUID \d+ 1\] APPEND completed$", (await c.ReadUntilTaggedAsync("a1"))[^1]);

        await c.CommandAsync($"s SELECT {box}");
        Assert.Equal(message, await FetchBodyAsync(c, 1));
        Assert.Equal("* SEARCH 1", (await c.CommandAsync("q SEARCH BODY needlewordbig1"))[0]);
        Assert.Empty(await host.TmpFilesAfterSettlingAsync());
    }

    [Fact]
    public async Task MultiAppend_SmallAndSpooledNonSynchronizingLiterals_AllStoredInOrder()
    {
        await using var c = await host.LoginAsync();
        var box = ImapTranscript.Unique("Spool");
        await c.CommandAsync($"c CREATE {box}");
        var small = Encoding.ASCII.GetBytes(ImapTestMessages.Simple("small"));
        var big = LargeMessage("big2", 300_000);
        var command = new List<byte>();
        command.AddRange(Encoding.ASCII.GetBytes($"m APPEND {box} {{{small.Length}+}}\r\n"));
        command.AddRange(small);
        command.AddRange(Encoding.ASCII.GetBytes($" (\\Flagged) {{{big.Length}+}}\r\n"));
        command.AddRange(big);
        command.AddRange(Encoding.ASCII.GetBytes($" {{{small.Length}+}}\r\n"));
        command.AddRange(small);
        command.AddRange("\r\n"u8.ToArray());
        await c.SendAsync([.. command]);
        Assert.Matches(@"^m OK \[APPENDUID \d+ 1:3\] APPEND completed$", (await c.ReadUntilTaggedAsync("m"))[^1]);

        await c.CommandAsync($"s SELECT {box}");
        Assert.Equal(small, await FetchBodyAsync(c, 1));
        Assert.Equal(big, await FetchBodyAsync(c, 2));
        Assert.Equal(small, await FetchBodyAsync(c, 3));
        Assert.Contains("\\Flagged", (await c.CommandAsync("g FETCH 2 FLAGS"))[0], StringComparison.Ordinal);
        Assert.Empty(await host.TmpFilesAfterSettlingAsync());
    }

    [Fact]
    public async Task Append_OverStoreLimitWhileStreaming_NoTooBig_ConnectionUsable_TmpEmpty()
    {
        await using var c = await host.LoginAsync();
        var box = ImapTranscript.Unique("Spool");
        await c.CommandAsync($"c CREATE {box}");
        // Within APPENDLIMIT (3,000,000), over the store's 1,000,000: refused after the octets streamed.
        var message = LargeMessage("big3", 1_500_000);
        await c.SendAsync($"a1 APPEND {box} {{{message.Length}+}}\r\n");
        await c.SendAsync(message);
        await c.SendAsync("\r\na2 NOOP\r\n");
        Assert.Equal("a1 NO [TOOBIG] Message too big", (await c.ReadUntilTaggedAsync("a1"))[^1]);
        Assert.Equal("a2 OK NOOP completed", (await c.ReadUntilTaggedAsync("a2"))[^1]);
        Assert.Equal($"* STATUS \"{box}\" (MESSAGES 0)", (await c.CommandAsync($"s STATUS {box} (MESSAGES)"))[0]);
        Assert.Empty(await host.TmpFilesAfterSettlingAsync());
    }

    [Fact]
    public async Task MultiAppend_SecondLiteralOverAppendLimit_NoTooBigWithoutContinuation_FirstSpoolRemoved()
    {
        await using var c = await host.LoginAsync();
        var box = ImapTranscript.Unique("Spool");
        await c.CommandAsync($"c CREATE {box}");
        var first = LargeMessage("big4", 500_000);
        await c.SendAsync($"a1 APPEND {box} {{{first.Length}}}\r\n");
        Assert.Equal("+ Ready for literal data", await c.ReadLineAsync());
        await c.SendAsync(first);
        // Together over APPENDLIMIT (RFC 3502: one limit for the whole command): refused before any octet of it is sent.
        await c.SendAsync($" {{{AppendSpoolHostFixture.AppendLimit - 100_000}}}\r\n");
        Assert.Equal("a1 NO [TOOBIG] Literal exceeds the size limit", (await c.ReadUntilTaggedAsync("a1"))[^1]);
        Assert.Equal("a2 OK NOOP completed", (await c.CommandAsync("a2 NOOP"))[^1]);
        Assert.Equal($"* STATUS \"{box}\" (MESSAGES 0)", (await c.CommandAsync($"s STATUS {box} (MESSAGES)"))[0]);
        Assert.Empty(await host.TmpFilesAfterSettlingAsync());
    }

    [Fact]
    public async Task Append_DisconnectMidLiteral_LeavesNothingInTmp()
    {
        var box = ImapTranscript.Unique("Spool");
        var message = LargeMessage("big5", 800_000);
        await using (var c = await host.LoginAsync())
        {
            await c.CommandAsync($"c CREATE {box}");
            await c.SendAsync($"a1 APPEND {box} {{{message.Length}}}\r\n");
            Assert.Equal("+ Ready for literal data", await c.ReadLineAsync());
            await c.SendAsync(message[..400_000]);
            // The literal is being written to tmp/ (not memory) before the client goes away.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (host.TmpFiles().Length == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
            Assert.NotEmpty(host.TmpFiles());
        }
        Assert.Empty(await host.TmpFilesAfterSettlingAsync());
        await using var d = await host.LoginAsync();
        Assert.Equal($"* STATUS \"{box}\" (MESSAGES 0)", (await d.CommandAsync($"s STATUS {box} (MESSAGES)"))[0]);
    }
}
