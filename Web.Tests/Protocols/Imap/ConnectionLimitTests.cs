using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>A host with tight connection limits: autologout after 1 s idle, 3 commands per connection.</summary>
public sealed class TightLimitsHostFixture : MailHostFixture
{
    public TightLimitsHostFixture()
        : base(new Dictionary<string, string?>
        {
            ["Mail:Imap:IdleTimeout"] = "00:00:01",
            ["Mail:Imap:Limits:MaxCommandsPerConnection"] = "3",
        })
    {
    }
}

public sealed class ConnectionLimitTests(TightLimitsHostFixture host) : IClassFixture<TightLimitsHostFixture>
{
    [Fact]
    public async Task IdleConnection_AutologoutWithBye()
    {
        await using var c = await ImapTestConnection.ConnectAsync(host.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap));
        Assert.Equal("* BYE Autologout; idle for too long\r\n", await c.ReadToEndAsync());
    }

    [Fact]
    public async Task CommandsOverPerConnectionCap_ByeAndClose()
    {
        await using var c = await ImapTestConnection.ConnectAsync(host.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal([$"n{i} OK NOOP completed"], await c.CommandAsync($"n{i} NOOP"));
        }
        await c.SendAsync("n3 NOOP\r\n");
        Assert.Equal("* BYE Too many commands on this connection\r\n", await c.ReadToEndAsync());
    }
}
