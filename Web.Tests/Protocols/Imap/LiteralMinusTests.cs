using System.Text;
using Mail.Protocols.Imap;
using Mail.Protocols.Imap.Protocol;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>LITERAL- (RFC 7888 §4): non-synchronizing literals up to 4096 octets, larger ones refused with BAD [TOOBIG].</summary>
public sealed class LiteralMinusTests
{
    private static readonly ImapLimits Limits = new() { MaxLineOctets = 1000, MaxLiteralOctets = 8192, MaxAppendOctets = 100_000, MaxCommandOctets = 200_000 };

    private static ImapReadStatus ReadAll(ImapCommandReader reader, string input, out int rest)
    {
        var bytes = Encoding.ASCII.GetBytes(input);
        var sequence = new System.Buffers.ReadOnlySequence<byte>(bytes);
        while (true)
        {
            var status = reader.TryRead(sequence, out var consumed, out _);
            sequence = sequence.Slice(consumed);
            if (status != ImapReadStatus.NeedMore || sequence.Length == 0)
            {
                rest = (int)sequence.Length;
                return status;
            }
        }
    }

    [Fact]
    public void Reader_LiteralMinus_AcceptsNonSynchronizingLiteralOf4096()
    {
        var reader = new ImapCommandReader(Limits, literalMinus: true);
        Assert.Equal(ImapReadStatus.Command, ReadAll(reader, "a LOGIN {4096+}\r\n" + new string('x', 4096) + " pw\r\n", out _));
    }

    [Fact]
    public void Reader_LiteralMinus_DiscardsLargerLiteralAndItsLine_ThenRejects()
    {
        var reader = new ImapCommandReader(Limits, literalMinus: true);
        var status = ReadAll(reader, "a APPEND INBOX {4097+}\r\n" + new string('x', 4097) + " trailing\r\nb NOOP\r\n", out var rest);
        Assert.Equal(ImapReadStatus.Rejected, status);
        Assert.Equal(ImapRejectReason.NonSynchronizingLiteralOverLiteralMinus, reader.RejectReason);
        Assert.Equal("a", Encoding.ASCII.GetString(reader.Tag));
        Assert.Equal("b NOOP\r\n".Length, rest);
    }

    [Fact]
    public void Reader_LiteralPlus_AcceptsLargeNonSynchronizingLiteral()
    {
        var reader = new ImapCommandReader(Limits, literalMinus: false);
        Assert.Equal(ImapReadStatus.Command, ReadAll(reader, "a APPEND INBOX {5000+}\r\n" + new string('x', 5000) + "\r\n", out _));
    }

    [Fact]
    public async Task LiteralMinusServer_AdvertisesLiteralMinus_AndRefusesLargeNonSynchronizingAppend()
    {
        await using var host = await MailHostFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Imap:AuthFailureDelay"] = "00:00:00",
            ["Mail:Imap:LiteralMinus"] = "true",
        });
        await using var c = await ImapTestConnection.ConnectAsync(host.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap));
        Assert.Contains(" LITERAL- ", c.Greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("LITERAL+", c.Greeting, StringComparison.Ordinal);
        await c.SendAsync($"L1 LOGIN {{{MailHostFixture.Alice.Length}+}}\r\n{MailHostFixture.Alice} {MailHostFixture.Password}\r\n");
        Assert.StartsWith("L1 OK", (await c.ReadUntilTaggedAsync("L1"))[^1], StringComparison.Ordinal);
        var caps = await c.CommandAsync("c1 CAPABILITY");
        Assert.Contains(" LITERAL- ", caps[0], StringComparison.Ordinal);

        var small = ImapTestMessages.Simple("small") + new string('s', 3000) + "\r\n";
        await c.SendAsync(ImapTestMessages.AppendPlus("a1", "INBOX", small));
        Assert.StartsWith("a1 OK [APPENDUID ", (await c.ReadUntilTaggedAsync("a1"))[^1], StringComparison.Ordinal);

        var big = ImapTestMessages.Simple("big") + new string('b', 6000) + "\r\n";
        await c.SendAsync(ImapTestMessages.AppendPlus("a2", "INBOX", big) + "a3 NOOP\r\n");
        Assert.Equal(["a2 BAD [TOOBIG] Non-synchronizing literals are limited to 4096 octets (LITERAL-)"], await c.ReadUntilTaggedAsync("a2"));
        Assert.Equal(["a3 OK NOOP completed"], await c.ReadUntilTaggedAsync("a3"));
        var status = await c.CommandAsync("s1 STATUS INBOX (MESSAGES)");
        Assert.Equal("* STATUS \"INBOX\" (MESSAGES 1)", status[0]);
    }
}
