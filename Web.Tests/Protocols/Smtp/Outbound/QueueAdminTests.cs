using Mail.Web.Admin;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary><c>admin queue ...</c> against a running Outbound role: requests through control files.</summary>
public sealed class QueueAdminTests : IAsyncLifetime
{
    private OutboundTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Outbound:Routes:*"] = $"127.0.0.1:{SmtpSink.FreePort(System.Net.IPAddress.Loopback)}" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(int Code, string Output)> AdminAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AdminCli.RunAsync([.. args, $"--Mail:DataPath={_host.DataPath}"], TextReader.Null, output, error, CancellationToken.None);
        return (code, output + error.ToString());
    }

    [Fact]
    public async Task ListHoldShowDelete_WorkWhileTheServerRuns()
    {
        var reply = await _host.SubmitAsync("alice@example.com", ["x@far.test"], OutboundTestHost.Message("alice@example.com", "x@far.test"));
        var id = reply["250 2.0.0 Ok: queued as ".Length..];
        await OutboundTestHost.WaitUntilAsync(() => _host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");

        var (code, list) = await AdminAsync("queue", "list");
        Assert.Equal(0, code);
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.Contains("<x@far.test> 451 4.4.1", list, StringComparison.Ordinal);

        (code, var hold) = await AdminAsync("queue", "hold", id);
        Assert.Equal(0, code);
        Assert.Contains($"{id}: hold done", hold, StringComparison.Ordinal);
        Assert.True(_host.Queue.Read(id)!.Held);

        (code, var show) = await AdminAsync("queue", "show", id);
        Assert.Equal(0, code);
        Assert.Contains("recipient: <x@far.test> pending", show, StringComparison.Ordinal);
        Assert.Contains("HELD", show, StringComparison.Ordinal);
        Assert.Contains("Subject: Hello", show, StringComparison.Ordinal);

        (code, _) = await AdminAsync("queue", "delete", id);
        Assert.Equal(0, code);
        Assert.Null(_host.Queue.Read(id));
        Assert.Empty(await _host.InboxAsync("alice@example.com"));

        (code, var missing) = await AdminAsync("queue", "retry", id);
        Assert.NotEqual(0, code);
        Assert.Contains("no such queued message", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DkimGenerate_PrintsTxtRecordAndSelectsTheNewKey()
    {
        (var code, var output) = await AdminAsync("domain", "add", "example.com");
        Assert.Equal(0, code);
        (code, output) = await AdminAsync("dkim", "generate", "example.com");
        Assert.Equal(0, code);
        Assert.Matches(@"s\d{8}\._domainkey\.example\.com\. IN TXT \( ""v=DKIM1; k=rsa; p=", output);
        var keys = new Mail.Protocols.Smtp.Outbound.Dkim.DkimKeyStore(_host.DataPath);
        var first = keys.Current("example.com")!.Value.Selector;
        (code, _) = await AdminAsync("dkim", "generate", "example.com");
        Assert.Equal(0, code);
        var second = keys.Current("example.com")!.Value.Selector;
        Assert.NotEqual(first, second);

        // Rotation keeps the old key until it is removed; the current one cannot be.
        (code, output) = await AdminAsync("dkim", "list", "example.com");
        Assert.Equal(0, code);
        Assert.Contains(first + "\t", output, StringComparison.Ordinal);
        Assert.Contains(second + " (current)", output, StringComparison.Ordinal);
        (code, output) = await AdminAsync("dkim", "remove", "example.com", second);
        Assert.NotEqual(0, code);
        Assert.Contains("current key", output, StringComparison.Ordinal);
        (code, _) = await AdminAsync("dkim", "remove", "example.com", first);
        Assert.Equal(0, code);
        Assert.Equal([(second, true)], keys.List("example.com"));
    }
}
