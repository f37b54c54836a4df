using System.Net;
using System.Text;
using Mail.Protocols.Hosting;
using Mail.Protocols.Smtp.Outbound;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Protocols.Smtp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// Submission + Outbound + the real mailbox store on 127.0.0.1:0 with a temp data path and
/// <see cref="TestDirectory"/> (example.com: alice, bob, team@ → alice+bob); optionally on a fake clock.
/// </summary>
internal sealed class OutboundTestHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;

    private OutboundTestHost(IHost host, string dataPath)
    {
        _host = host;
        DataPath = dataPath;
    }

    public string DataPath { get; }

    /// <summary>When true, disposing stops the host but keeps <see cref="DataPath"/> for a restart on the same data.</summary>
    public bool KeepData { get; set; }

    public IServiceProvider Services => _host.Services;

    public OutboundQueueStore Queue => Services.GetRequiredService<OutboundQueueStore>();

    internal OutboundScheduler Scheduler => Services.GetRequiredService<OutboundScheduler>();

    public IPEndPoint Submission => Services.GetRequiredService<MailEndpoints>().Bound(MailEndpoints.Submission)!;

    public IPEndPoint SubmissionTls => Services.GetRequiredService<MailEndpoints>().Bound(MailEndpoints.SubmissionTls)!;

    public static async Task<OutboundTestHost> StartAsync(IDictionary<string, string?>? settings = null, TimeProvider? time = null, string? dataPath = null, bool outbound = true)
    {
        dataPath ??= Path.Combine(Path.GetTempPath(), "mail-outbound-tests", Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?>
        {
            ["Mail:DataPath"] = dataPath,
            ["Mail:HostName"] = "mail.test.example",
            ["Mail:Endpoints:Submission"] = "127.0.0.1:0",
            ["Mail:Endpoints:SubmissionTls"] = "127.0.0.1:0",
            ["Mail:Authentication:FirstFailureDelay"] = "00:00:00",
            ["Mail:Outbound:ConnectTimeoutSeconds"] = "5",
            ["Mail:Outbound:CommandTimeoutSeconds"] = "10",
            ["Mail:Outbound:DnsTimeoutSeconds"] = "2",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddLogging();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }
        builder.Services.AddMailCore(builder.Configuration);
        builder.Services.AddSingleton<IMailDirectory, TestDirectory>();
        builder.Services.AddMailboxStore();
        builder.Services.AddSubmission();
        if (outbound)
        {
            builder.Services.AddOutbound();
        }
        var host = builder.Build();
        await host.StartAsync();
        return new OutboundTestHost(host, dataPath);
    }

    /// <summary>Every message in the account's INBOX, oldest first.</summary>
    public async Task<List<byte[]>> InboxAsync(string account)
    {
        var store = await Services.GetRequiredService<IMailStore>().OpenAccountAsync(account, CancellationToken.None);
        var inbox = await store.GetMailboxAsync("INBOX", CancellationToken.None);
        var result = new List<byte[]>();
        if (inbox is null)
        {
            return result;
        }
        foreach (var record in await store.GetMessagesAsync(inbox.Id, CancellationToken.None))
        {
            await using var stream = await store.OpenMessageAsync(inbox.Id, record.Uid, CancellationToken.None);
            using var copy = new MemoryStream();
            await stream!.CopyToAsync(copy);
            result.Add(copy.ToArray());
        }
        return result;
    }

    /// <summary>Polls <paramref name="condition"/> until true or <see cref="Timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("waited in vain for " + what);
            }
            await Task.Delay(25);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Connects to Submission, EHLO, STARTTLS, EHLO, AUTH PLAIN as <paramref name="user"/>.</summary>
    public async Task<WireClient> AuthenticatedClientAsync(string user = "alice@example.com")
    {
        var client = await WireClient.ConnectAsync(Submission);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        await client.SendLineAsync("EHLO client.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("STARTTLS");
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        await client.StartTlsAsync();
        await client.SendLineAsync("EHLO client.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0password")));
        Assert.Equal("235 2.7.0 Authentication successful", await client.ReadReplyAsync());
        return client;
    }

    /// <summary>Submits one message as alice (authenticated) and returns the final DATA reply.</summary>
    public async Task<string> SubmitAsync(string from, string[] to, string body, string user = "alice@example.com")
    {
        await using var client = await AuthenticatedClientAsync(user);
        await client.SendLineAsync($"MAIL FROM:<{from}>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        foreach (var rcpt in to)
        {
            await client.SendLineAsync($"RCPT TO:<{rcpt}>");
            Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        }
        await client.SendLineAsync("DATA");
        Assert.StartsWith("354", await client.ReadReplyAsync());
        await client.SendAsync(body.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) + ".\r\n");
        var reply = await client.ReadReplyAsync();
        await client.SendLineAsync("QUIT");
        return reply;
    }

    /// <summary>A simple message from <paramref name="from"/>.</summary>
    public static string Message(string from, string to, string subject = "Hello") =>
        $"From: <{from}>\nTo: <{to}>\nSubject: {subject}\nDate: Mon, 30 Nov 2026 12:00:00 +0000\nMessage-ID: <{Guid.NewGuid():N}@example.com>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nHello there.\nSecond line.\n";

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        if (KeepData)
        {
            return;
        }
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort cleanup of a temp directory.
        }
    }
}
