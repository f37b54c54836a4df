using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>Limits and garbage: protocol-correct replies, the server stays up, nothing stored.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class BadInputTests(ImapHostFixture host)
{
    [Fact]
    public async Task OverlongLine_ReturnsBadAndConnectionSurvives()
    {
        await using var c = await host.ConnectAsync();
        await c.SendAsync("a1 NOOP " + new string('x', 20000) + "\r\n");
        Assert.Equal("a1 BAD Command line too long", await c.ReadLineAsync());
        Assert.Equal(["a2 OK NOOP completed"], await c.CommandAsync("a2 NOOP"));
    }

    [Fact]
    public async Task SynchronizingLiteralOverLimit_ReturnsNoTooBigWithoutContinuation()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await c.SendAsync("a1 SUBSCRIBE {5000}\r\n");
        Assert.Equal("a1 NO [TOOBIG] Literal exceeds the size limit", await c.ReadLineAsync());
        Assert.Equal(["a2 OK NOOP completed"], await c.CommandAsync("a2 NOOP"));
    }

    [Fact]
    public async Task NonSynchronizingLiteralOverLimit_ByeTooBigAndClose()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await c.SendAsync("a1 SUBSCRIBE {5000+}\r\n" + new string('x', 100));
        Assert.Equal("* BYE [TOOBIG] Literal exceeds the size limit\r\n", await c.ReadToEndAsync());
    }

    [Fact]
    public async Task AppendOverStoreLimit_ReturnsNoTooBigAndStoresNothing()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        var box = ImapTranscript.Unique("B");
        await c.CommandAsync($"c CREATE {box}");
        await c.SendAsync($"a1 APPEND {box} {{{int.MaxValue}}}\r\n");
        Assert.Equal("a1 NO [TOOBIG] Literal exceeds the size limit", await c.ReadLineAsync());
        Assert.Equal($"* STATUS \"{box}\" (MESSAGES 0)", (await c.CommandAsync($"a2 STATUS {box} (MESSAGES)"))[0]);
    }

    [Fact]
    public async Task GarbageBeforeLogin_BadThenByeAfterLimit()
    {
        await using var c = await host.ConnectAsync();
        Assert.Equal(["* BAD Missing or invalid tag"], await c.CommandAsync("* \u0001\u0002 garbage"));
        for (var i = 0; i < 9; i++)
        {
            Assert.StartsWith($"g{i} BAD", (await c.CommandAsync($"g{i} ??"))[^1], StringComparison.Ordinal);
        }
        await c.SendAsync("g9 ??\r\n");
        var rest = await c.ReadToEndAsync();
        Assert.Contains("* BYE Too many invalid commands", rest, StringComparison.Ordinal);
        await using var again = await host.ConnectAsync();
        Assert.StartsWith("* OK", again.Greeting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BinaryGarbageWithoutLineEnd_DoesNotCrashServer()
    {
        await using (var c = await host.ConnectAsync())
        {
            var junk = new byte[20000];
            new Random(7).NextBytes(junk);
            for (var i = 0; i < junk.Length; i++)
            {
                if (junk[i] == '\n')
                {
                    junk[i] = 0;
                }
            }
            await c.SendAsync(junk);
        }
        await using var next = await host.ConnectAsync();
        Assert.Equal(["a1 OK NOOP completed"], await next.CommandAsync("a1 NOOP"));
    }

    [Fact]
    public async Task SelectedStateCommandInAuthenticatedState_ReturnsBad()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal(["a1 BAD No mailbox selected"], await c.CommandAsync("a1 UID FETCH 1 FLAGS"));
        Assert.Equal(["a2 BAD No mailbox selected"], await c.CommandAsync("a2 CLOSE"));
    }
}
