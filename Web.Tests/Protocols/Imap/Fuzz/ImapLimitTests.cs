using System.Text;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap.Fuzz;

/// <summary>
/// The parser limits not covered by <see cref="BadInputTests"/>, each before and after login (host limits: line 8192,
/// literal 4096, nesting 8, command 1 MiB): named replies, and the server goes on serving.
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class ImapLimitTests(ImapHostFixture host)
{
    [Fact]
    public async Task OverlongLine_AfterLogin_ReturnsBadAndConnectionSurvives()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await c.SendAsync("a1 SEARCH SUBJECT " + new string('x', 20000) + "\r\n");
        Assert.Equal("a1 BAD Command line too long", await c.ReadLineAsync());
        Assert.Equal(["a2 OK NOOP completed"], await c.CommandAsync("a2 NOOP"));
    }

    [Fact]
    public async Task SynchronizingLiteralOverLimit_BeforeLogin_ReturnsNoTooBigWithoutContinuation()
    {
        await using var c = await host.ConnectAsync();
        await c.SendAsync("a1 LOGIN {5000}\r\n");
        Assert.Equal("a1 NO [TOOBIG] Literal exceeds the size limit", await c.ReadLineAsync());
        Assert.Equal(["a2 OK NOOP completed"], await c.CommandAsync("a2 NOOP"));
    }

    [Fact]
    public async Task NonSynchronizingLiteralOverLimit_BeforeLogin_ByeTooBigAndClose()
    {
        await using var c = await host.ConnectAsync();
        await c.SendAsync("a1 LOGIN {5000+}\r\n" + new string('x', 100));
        Assert.Equal("* BYE [TOOBIG] Literal exceeds the size limit\r\n", await c.ReadToEndAsync());
    }

    [Fact]
    public async Task NestingTooDeep_BeforeLogin_ReturnsBadAndConnectionSurvives()
    {
        await using var c = await host.ConnectAsync();
        var reply = await c.CommandAsync("a1 ID " + new string('(', 20) + "\"name\" \"x\"" + new string(')', 20));
        Assert.StartsWith("a1 BAD", reply[^1], StringComparison.Ordinal);
        Assert.Equal(["a2 OK NOOP completed"], await c.CommandAsync("a2 NOOP"));
    }

    [Fact]
    public async Task NestingTooDeep_AfterLogin_ReturnsBadAndConnectionSurvives()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await c.CommandAsync("s SELECT INBOX");
        var reply = await c.CommandAsync("a1 SEARCH " + new string('(', 20) + "ALL" + new string(')', 20));
        Assert.StartsWith("a1 BAD", reply[^1], StringComparison.Ordinal);
        Assert.Equal(["a2 OK NOOP completed"], await c.CommandAsync("a2 NOOP"));
    }

    [Fact]
    public async Task ArgumentsPastCommandLimit_AfterLogin_RejectedAndServerServes()
    {
        await using (var c = await host.LoginAsync(MailHostFixture.Alice))
        {
            await c.CommandAsync("s SELECT INBOX");
            // 300,000 arguments in LITERAL+ pieces of one line each: 1.2 MB, past MaxCommandOctets (1 MiB).
            var command = new StringBuilder("a1 SEARCH");
            for (var i = 0; i < 300_000; i++)
            {
                command.Append(" {1+}\r\n1");
            }
            command.Append("\r\n");
            var sent = c.SendAsync(command.ToString());
            var reply = await ReadUntilTaggedOrClosedAsync(c, "a1");
            Assert.True(reply.Contains("a1 BAD", StringComparison.Ordinal) || reply.Contains("* BYE", StringComparison.Ordinal), reply);
            await sent.ContinueWith(_ => { }, TaskScheduler.Default); // the server may close while we still send
        }
        await using var next = await host.ConnectAsync();
        Assert.Equal(["b OK NOOP completed"], await next.CommandAsync("b NOOP"));
    }

    [Fact]
    public async Task ArgumentsPastCommandLimit_BeforeLogin_RejectedAndServerServes()
    {
        await using (var c = await host.ConnectAsync())
        {
            var command = new StringBuilder("a1 ID (");
            for (var i = 0; i < 300_000; i++)
            {
                command.Append(" {1+}\r\n1");
            }
            command.Append(")\r\n");
            var sent = c.SendAsync(command.ToString());
            var reply = await ReadUntilTaggedOrClosedAsync(c, "a1");
            Assert.True(reply.Contains("a1 BAD", StringComparison.Ordinal) || reply.Contains("* BYE", StringComparison.Ordinal), reply);
            await sent.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        await using var next = await host.ConnectAsync();
        Assert.Equal(["b OK NOOP completed"], await next.CommandAsync("b NOOP"));
    }

    /// <summary>Reply lines until the tagged one or a BYE, or until the server closes.</summary>
    private static async Task<string> ReadUntilTaggedOrClosedAsync(ImapTestConnection c, string tag)
    {
        var lines = new StringBuilder();
        try
        {
            while (true)
            {
                var line = await c.ReadLineAsync();
                lines.AppendLine(line);
                if (line.StartsWith(tag + " ", StringComparison.Ordinal) || line.StartsWith("* BYE", StringComparison.Ordinal))
                {
                    return lines.ToString();
                }
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidOperationException)
        {
            return lines + "(closed: " + e.Message + ")";
        }
    }
}
