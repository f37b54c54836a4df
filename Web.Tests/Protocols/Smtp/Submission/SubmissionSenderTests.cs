using System.Text;
using Mail.Web.Tests.Protocols.Smtp.Outbound;

namespace Mail.Web.Tests.Protocols.Smtp.Submission;

/// <summary>Sender ownership, limits, trace fields and queueing on Submission (no delivery: Outbound role off).</summary>
public sealed class SubmissionSenderTests : IAsyncLifetime
{
    private OutboundTestHost _host = null!;

    public async Task InitializeAsync() => _host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Submission:MaxMessageOctets"] = "2000" }, outbound: false);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("bob@example.com")]
    [InlineData("postmaster@remote.example")]
    [InlineData("")]
    public async Task MailFrom_NotOwnedByUser_Returns553(string sender)
    {
        await using var client = await _host.AuthenticatedClientAsync("alice@example.com");
        await client.SendLineAsync($"MAIL FROM:<{sender}>");
        Assert.StartsWith("553 5.7.1", await client.ReadReplyAsync());
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("ALICE@example.com")]
    [InlineData("alice+lists@example.com")]
    [InlineData("team@example.com")]
    [InlineData("postmaster@example.com")]
    public async Task MailFrom_OwnAddressOrAlias_Returns250(string sender)
    {
        await using var client = await _host.AuthenticatedClientAsync("alice@example.com");
        await client.SendLineAsync($"MAIL FROM:<{sender}>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task MailFrom_AliasOfAnotherUser_Returns553()
    {
        await using var client = await _host.AuthenticatedClientAsync("bob@example.com");
        await client.SendLineAsync("MAIL FROM:<postmaster@example.com>");
        Assert.StartsWith("553 5.7.1", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Data_Accepted_IsQueuedDurablyWithReceivedHidingTheUser()
    {
        var reply = await _host.SubmitAsync("alice@example.com", ["carol@remote.example", "bob@example.com"], OutboundTestHost.Message("alice@example.com", "carol@remote.example"));
        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply);
        var id = reply["250 2.0.0 Ok: queued as ".Length..];
        var entry = _host.Queue.Read(id)!;
        Assert.Equal("alice@example.com", entry.Sender);
        Assert.Equal("alice@example.com", entry.AuthenticatedUser);
        Assert.Equal(["carol@remote.example", "bob@example.com"], entry.Recipients.Select(r => r.Address));
        await using var file = _host.Queue.OpenMessage(id);
        var text = await new StreamReader(file, Encoding.UTF8).ReadToEndAsync();
        Assert.StartsWith("Received: from client.example\r\n\tby mail.test.example with ESMTPSA; ", text);
        Assert.DoesNotContain("alice@example.com)", text.Split("\r\n\r\n")[0].Split("From:")[0], StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.EndsWith("Hello there.\r\nSecond line.\r\n", text);
    }

    [Theory]
    [InlineData("From: <alice@example.com>\nTo: <carol@remote.example>\nSubject: bare\n\nNo Date, no Message-ID.\n", true, true)]
    [InlineData("From: <alice@example.com>\nResent-Date: Mon, 30 Nov 2026 12:00:00 +0000\nX-Message-ID: <x@example.com>\nSubject: bare\n\nDate: in the body\nMessage-ID: <body@example.com>\n", true, true)]
    [InlineData("From: <alice@example.com>\ndate : Mon, 30 Nov 2026 12:00:00 +0000\nSubject: has a date\n\nBody.\n", false, true)]
    [InlineData("From: <alice@example.com>\nMESSAGE-ID:<kept@example.com>\nSubject: has an id\n\nBody.\n", true, false)]
    [InlineData("From: <alice@example.com>\nMessage-ID  : <kept@example.com>\nSubject: obsolete WSP before the colon\n\nBody.\n", true, false)]
    [InlineData("From: <alice@example.com>\nDate: Mon, 30 Nov 2026 12:00:00 +0000\nMessage-Id: <kept@example.com>\n\nBody.\n", false, false)]
    public async Task Data_LackingDateOrMessageId_GetsThemAdded_Rfc6409(string message, bool addsDate, bool addsMessageId)
    {
        var reply = await _host.SubmitAsync("alice@example.com", ["carol@remote.example"], message);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply);
        await using var file = _host.Queue.OpenMessage(reply["250 2.0.0 Ok: queued as ".Length..]);
        var text = await new StreamReader(file, Encoding.UTF8).ReadToEndAsync();
        var header = text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        var fields = header.Split("\r\n").Where(l => l.Length > 0 && l[0] is not (' ' or '\t')).ToList();
        string Field(string name) => Assert.Single(fields, f => f.Contains(':', StringComparison.Ordinal)
            && f[..f.IndexOf(':', StringComparison.Ordinal)].Trim().Equals(name, StringComparison.OrdinalIgnoreCase));

        var date = Field("Date");
        var id = Field("Message-ID");
        Assert.Equal(addsDate, !message.Contains(date, StringComparison.Ordinal));
        Assert.Equal(addsMessageId, !message.Contains(id, StringComparison.Ordinal));
        if (addsDate)
        {
            Assert.Matches(@"^Date: [A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$", date);
        }
        if (addsMessageId)
        {
            Assert.Matches(@"^Message-ID: <[^<>@\s]+@mail\.test\.example>$", id);
        }
        Assert.StartsWith("Received: from client.example\r\n\tby mail.test.example with ESMTPSA; ", text);
        Assert.EndsWith(message[(message.IndexOf("\n\n", StringComparison.Ordinal) + 2)..].Replace("\n", "\r\n", StringComparison.Ordinal), text);
    }

    [Fact]
    public async Task Data_WithShowAuthenticatedUser_ReceivedNamesTheUserAndTheClient()
    {
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Submission:ShowAuthenticatedUser"] = "true" }, outbound: false);
        var reply = await host.SubmitAsync("alice@example.com", ["carol@remote.example"], OutboundTestHost.Message("alice@example.com", "carol@remote.example"));
        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply);
        await using var file = host.Queue.OpenMessage(reply["250 2.0.0 Ok: queued as ".Length..]);
        var text = await new StreamReader(file, Encoding.UTF8).ReadToEndAsync();
        Assert.StartsWith("Received: from client.example ([127.0.0.1])\r\n\t(Authenticated sender: alice@example.com)\r\n\tby mail.test.example with ESMTPSA; ", text);
    }

    [Fact]
    public async Task Data_OverSizeLimit_Returns552AndQueuesNothing()
    {
        await using var client = await _host.AuthenticatedClientAsync();
        await client.SendLineAsync("MAIL FROM:<alice@example.com>");
        await client.ReadReplyAsync();
        await client.SendLineAsync("RCPT TO:<carol@remote.example>");
        await client.ReadReplyAsync();
        await client.SendLineAsync("DATA");
        await client.ReadReplyAsync();
        await client.SendAsync("Subject: big\r\n\r\n" + new string('x', 70) .PadRight(70) + "\r\n" + string.Concat(Enumerable.Repeat(new string('y', 70) + "\r\n", 40)) + ".\r\n");
        Assert.StartsWith("552 5.3.4", await client.ReadReplyAsync());
        Assert.Empty(_host.Queue.ReadAll());
    }
}

/// <summary>Per-user hourly limits on a fake clock.</summary>
public sealed class SubmissionRateLimitTests
{
    [Fact]
    public async Task Messages_OverHourlyLimit_Return450UntilTheHourHasPassed()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Submission:MaxMessagesPerHour"] = "2" }, time, outbound: false);
        var message = OutboundTestHost.Message("alice@example.com", "carol@remote.example");
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["carol@remote.example"], message));
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["carol@remote.example"], message));

        await using (var client = await host.AuthenticatedClientAsync())
        {
            await client.SendLineAsync("MAIL FROM:<alice@example.com>");
            Assert.StartsWith("450 4.7.1", await client.ReadReplyAsync());
        }
        Assert.StartsWith("250", await host.SubmitAsync("bob@example.com", ["carol@remote.example"], message, "bob@example.com"));
        time.Advance(TimeSpan.FromHours(1));
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["carol@remote.example"], message));
    }

    [Fact]
    public async Task Recipients_OverHourlyLimit_Return450AtRcpt()
    {
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Submission:MaxRecipientsPerHour"] = "3" }, outbound: false);
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["a@remote.example", "b@remote.example"], OutboundTestHost.Message("alice@example.com", "a@remote.example")));
        await using var client = await host.AuthenticatedClientAsync();
        await client.SendLineAsync("MAIL FROM:<alice@example.com>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<c@remote.example>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<d@remote.example>");
        Assert.StartsWith("450 4.7.1", await client.ReadReplyAsync());
    }
}

/// <summary>The per-domain hourly limit counts every user of the domain together.</summary>
public sealed class SubmissionDomainRateLimitTests
{
    [Fact]
    public async Task Messages_OverDomainHourlyLimit_Return450ForEveryUserOfTheDomain()
    {
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Submission:MaxMessagesPerDomainPerHour"] = "2" }, outbound: false);
        var message = OutboundTestHost.Message("alice@example.com", "carol@remote.example");
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["carol@remote.example"], message));
        Assert.StartsWith("250", await host.SubmitAsync("bob@example.com", ["carol@remote.example"], message, "bob@example.com"));
        await using var client = await host.AuthenticatedClientAsync();
        await client.SendLineAsync("MAIL FROM:<alice@example.com>");
        Assert.StartsWith("450 4.7.1", await client.ReadReplyAsync());
    }
}
