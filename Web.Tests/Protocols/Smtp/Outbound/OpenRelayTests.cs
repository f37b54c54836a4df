using Mail.Web.Tests.Protocols.Smtp;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>The 16 relay probes of nmap's smtp-open-relay script, unauthenticated, on SMTP-in and on Submission: all refused.</summary>
public sealed class OpenRelayTests
{
    public static TheoryData<string> Probes => new()
    {
        "relaytest@nmap.scanme.org",
        "relaytest%nmap.scanme.org@[127.0.0.1]",
        "relaytest%nmap.scanme.org@mx.test.example",
        "\"relaytest@nmap.scanme.org\"",
        "\"relaytest%nmap.scanme.org\"",
        "relaytest@nmap.scanme.org@[127.0.0.1]",
        "\"relaytest@nmap.scanme.org\"@[127.0.0.1]",
        "relaytest@nmap.scanme.org@mx.test.example",
        "@[127.0.0.1]:relaytest@nmap.scanme.org",
        "@mx.test.example:relaytest@nmap.scanme.org",
        "nmap.scanme.org!relaytest",
        "nmap.scanme.org!relaytest@[127.0.0.1]",
        "nmap.scanme.org!relaytest@mx.test.example",
        "relaytest%nmap.scanme.org@example.com",
        "relaytest@nmap.scanme.org@example.com",
        "nmap.scanme.org!relaytest@example.com",
    };

    [Theory]
    [MemberData(nameof(Probes))]
    public async Task SmtpIn_RelayProbe_IsRefused(string recipient)
    {
        await using var host = await MailProtocolTestHost.StartAsync();
        await using var client = await WireClient.ConnectAsync(host.Smtp);
        await client.ReadReplyAsync();
        await client.SendLineAsync("EHLO nmap.scanme.org");
        await client.ReadReplyAsync();
        await client.SendLineAsync("MAIL FROM:<antispam@nmap.scanme.org>");
        await client.ReadReplyAsync();
        await client.SendLineAsync($"RCPT TO:<{recipient}>");
        var reply = await client.ReadReplyAsync();
        Assert.True(reply[0] is '4' or '5', $"RCPT TO:<{recipient}> got {reply}");
    }

    [Theory]
    [MemberData(nameof(Probes))]
    public async Task Submission_UnauthenticatedRelayProbe_IsRefused(string recipient)
    {
        await using var host = await OutboundTestHost.StartAsync(outbound: false);
        await using var client = await WireClient.ConnectAsync(host.Submission);
        await client.ReadReplyAsync();
        await client.SendLineAsync("EHLO nmap.scanme.org");
        await client.ReadReplyAsync();
        await client.SendLineAsync("MAIL FROM:<antispam@nmap.scanme.org>");
        Assert.Equal("530 5.7.0 Authentication required", await client.ReadReplyAsync());
        await client.SendLineAsync($"RCPT TO:<{recipient}>");
        Assert.StartsWith("5", await client.ReadReplyAsync());
        Assert.Empty(host.Queue.ReadAll());
    }
}
