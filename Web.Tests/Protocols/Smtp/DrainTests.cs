using Mail.Web.Admin;

namespace Mail.Web.Tests.Protocols.Smtp;

/// <summary>Drain for maintenance (issue 5): <c>admin drain on|status|off</c> against a running SMTP-in.</summary>
public sealed class DrainTests : SmtpTestBase
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Mail:SmtpIn:DrainPollMilliseconds"] = "100" };

    private async Task<(int Code, string Output)> AdminAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AdminCli.RunAsync([.. args, $"--Mail:DataPath={Host.DataPath}"], TextReader.Null, output, error, CancellationToken.None);
        return (code, output + error.ToString());
    }

    private static string Message(string subject) => $"From: sender@remote.example\r\nTo: alice@example.com\r\nSubject: {subject}\r\n\r\nbody\r\n.\r\n";

    [Fact]
    public async Task DrainOn_OpenSessionFinishes_NewConnectionGets421_DrainOffResumes()
    {
        var open = await ReadyForDataAsync();

        var (code, on) = await AdminAsync("drain", "on");
        Assert.True(code == 0, on);
        Assert.Contains("draining in-flight=1", on, StringComparison.Ordinal);

        await using (var refused = await WireClient.ConnectAsync(Host.Smtp))
        {
            Assert.StartsWith("421 4.3.2 mx.test.example Service shutting down", await refused.ReadReplyAsync());
            Assert.True(await refused.IsClosedAsync());
        }

        Assert.StartsWith("250 2.0.0 Ok: queued as ", await SendDataAsync(open, Message("in flight")));
        await open.SendLineAsync("QUIT");
        Assert.StartsWith("221", await open.ReadReplyAsync());
        Assert.Single(await Host.InboxAsync("alice@example.com"));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string status;
        while (!(status = (await AdminAsync("drain", "status")).Output).Contains("draining in-flight=0", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "in-flight never reached 0: " + status);
            await Task.Delay(100);
        }
        Assert.Contains("drain flag: set", status, StringComparison.Ordinal);

        (code, var off) = await AdminAsync("drain", "off");
        Assert.True(code == 0, off);
        Assert.Contains("accepting in-flight=", off, StringComparison.Ordinal);
        var again = await ReadyForDataAsync();
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await SendDataAsync(again, Message("after drain")));
        Assert.Equal(2, (await Host.InboxAsync("alice@example.com")).Count);
    }

    [Fact]
    public async Task DrainStatus_WhileAccepting_ShowsInFlightSessions()
    {
        await ConnectAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string status;
        while (!(status = (await AdminAsync("drain", "status")).Output).Contains("accepting in-flight=1", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "status never showed the session: " + status);
            await Task.Delay(100);
        }
        Assert.Contains("drain flag: not set", status, StringComparison.Ordinal);
    }
}
