using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>Helpers shared by the transcript test classes.</summary>
public static class ImapTranscript
{
    /// <summary>A fresh mailbox name.</summary>
    public static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Logs in as alice, creates <paramref name="mailbox"/>, appends <paramref name="messages"/> and selects it.</summary>
    public static async Task<ImapTestConnection> MailboxWithAsync(ImapHostFixture host, string mailbox, params string[] messages)
    {
        var c = await host.LoginAsync(MailHostFixture.Alice);
        await CreateWithAsync(c, mailbox, messages);
        Assert.StartsWith("s1 OK [READ-WRITE]", (await c.CommandAsync($"s1 SELECT {mailbox}"))[^1], StringComparison.Ordinal);
        return c;
    }

    /// <summary>Creates a mailbox and appends messages over <paramref name="c"/>.</summary>
    public static async Task CreateWithAsync(ImapTestConnection c, string mailbox, params string[] messages)
    {
        Assert.StartsWith("c1 OK", (await c.CommandAsync($"c1 CREATE {mailbox}"))[^1], StringComparison.Ordinal);
        foreach (var m in messages)
        {
            await c.SendAsync(ImapTestMessages.AppendPlus("ap", mailbox, m));
            Assert.StartsWith("ap OK [APPENDUID ", (await c.ReadUntilTaggedAsync("ap"))[^1], StringComparison.Ordinal);
        }
    }
}
