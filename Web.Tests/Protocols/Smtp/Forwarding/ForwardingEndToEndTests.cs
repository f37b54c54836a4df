using System.Net;
using System.Text;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Smtp.Outbound;
using Mail.Web.Tests.Shared.Directory.Ldap;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Smtp.Forwarding;

/// <summary>
/// Forwarding through the whole host, on the SQL and the LDAP directory: mail to a forwarding user reaches a real
/// remote MTA (postfix's smtp-sink behind <c>Mail:Outbound:Routes</c>) with an SRS0 sender, the keep-a-copy user also
/// gets it in its mailbox, and a bounce to the SRS0 address is accepted at RCPT and routed to the original sender.
/// </summary>
public sealed class ForwardingEndToEndTests
{
    private const string Sender = "sender@origin.example";

    [Theory]
    [InlineData("Sql")]
    [InlineData("Ldap")]
    public async Task ForwardingUsers_RemoteGetsSrsSender_CopyKept_BounceReturnsToSender(string backend)
    {
        await using var sink = await SmtpSink.StartAsync(IPAddress.Loopback, SmtpSink.FreePort(IPAddress.Loopback));
        await using var slapd = backend == "Ldap" ? await SlapdProcess.StartNewAsync() : null;
        var settings = slapd?.Server.Settings() ?? [];
        settings["Mail:Outbound:Routes:remote.example"] = $"127.0.0.1:{sink.Port}";
        settings["Mail:Outbound:Routes:origin.example"] = $"127.0.0.1:{sink.Port}";
        settings["Mail:Srs:Secret"] = "end-to-end secret";
        settings["Mail:Srs:Domain"] = MailHostFixture.Domain;
        await using var host = await MailHostFixture.StartAsync(settings);
        var admin = host.Services.GetRequiredService<IDirectoryAdmin>();
        Assert.Equal(DirectoryChangeResult.Done, await admin.SetForwardingAsync(MailHostFixture.Alice, "alice@remote.example", keepCopy: true, CancellationToken.None));
        Assert.Equal(DirectoryChangeResult.Done, await admin.SetForwardingAsync(MailHostFixture.Bob, "bob@remote.example", keepCopy: false, CancellationToken.None));

        await using (var client = await ConnectAsync(host))
        {
            Assert.StartsWith("250 ", await TransactionAsync(client, Sender, [MailHostFixture.Alice, "Bob+news@example.com"], "forward me"));
        }

        var forwarded = await WaitForMessageAsync(sink, "Subject: forward me", "the forwarded message at the remote MTA");
        var srsSender = Header(forwarded, "X-Mail-Args").Split(' ')[0].Trim('<', '>');
        Assert.Matches("^SRS0=[^=]{4}=[A-Z2-7]{2}=origin\\.example=sender@example\\.com$", srsSender);
        Assert.Contains("X-Rcpt-Args: <alice@remote.example>", forwarded, StringComparison.Ordinal);
        Assert.Contains("X-Rcpt-Args: <bob@remote.example>", forwarded, StringComparison.Ordinal);
        // The forward changed the address: ORCPT carries the one the message was sent to (RFC 3461 §5.2.1).
        Assert.Contains($"X-Rcpt-Args: <alice@remote.example> ORCPT=rfc822;{MailHostFixture.Alice}", forwarded, StringComparison.OrdinalIgnoreCase);
        Assert.Single(await InboxAsync(host, MailHostFixture.Alice));
        Assert.Empty(await InboxAsync(host, MailHostFixture.Bob));

        // The remote side bounces to the SRS0 address: accepted and sent on to the original sender, null sender kept.
        await using (var client = await ConnectAsync(host))
        {
            Assert.StartsWith("250 ", await TransactionAsync(client, "", [srsSender], "bounce"));
            var forged = "SRS0=AAAA" + srsSender[9..];
            await client.SendLineAsync("MAIL FROM:<>");
            Assert.StartsWith("250", await client.ReadReplyAsync());
            await client.SendLineAsync($"RCPT TO:<{forged}>");
            Assert.StartsWith("550 5.1.1", await client.ReadReplyAsync());
        }
        var bounce = await WaitForMessageAsync(sink, "Subject: bounce", "the bounce at the original sender's MTA");
        Assert.Contains("X-Mail-Args: <>", bounce, StringComparison.Ordinal);
        Assert.Contains($"X-Rcpt-Args: <{Sender}>", bounce, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardingUser_SenderAlreadySrs0_RemoteGetsSrs1_BounceGoesBackToTheFirstForwarder()
    {
        const string firstHop = "SRS0=AbCd=JT=origin.example=sender@first.example";
        await using var sink = await SmtpSink.StartAsync(IPAddress.Loopback, SmtpSink.FreePort(IPAddress.Loopback));
        var settings = new Dictionary<string, string?>
        {
            ["Mail:Outbound:Routes:remote.example"] = $"127.0.0.1:{sink.Port}",
            ["Mail:Outbound:Routes:first.example"] = $"127.0.0.1:{sink.Port}",
            ["Mail:Srs:Secret"] = "end-to-end secret",
            ["Mail:Srs:Domain"] = MailHostFixture.Domain,
        };
        await using var host = await MailHostFixture.StartAsync(settings);
        var admin = host.Services.GetRequiredService<IDirectoryAdmin>();
        Assert.Equal(DirectoryChangeResult.Done, await admin.SetForwardingAsync(MailHostFixture.Bob, "bob@remote.example", keepCopy: false, CancellationToken.None));

        await using (var client = await ConnectAsync(host))
        {
            Assert.StartsWith("250 ", await TransactionAsync(client, firstHop, [MailHostFixture.Bob], "forwarded twice"));
        }

        var forwarded = await WaitForMessageAsync(sink, "Subject: forwarded twice", "the re-forwarded message at the remote MTA");
        var srsSender = Header(forwarded, "X-Mail-Args").Split(' ')[0].Trim('<', '>');
        Assert.Matches("^SRS1=[^=]{4}=first\\.example==AbCd=JT=origin\\.example=sender@example\\.com$", srsSender);

        // The remote side bounces to the SRS1 address: accepted and sent one hop back, to the first forwarder's SRS0 address.
        await using (var client = await ConnectAsync(host))
        {
            Assert.StartsWith("250 ", await TransactionAsync(client, "", [srsSender], "bounce of the re-forward"));
            var forged = string.Concat("SRS1=AAAA", srsSender.AsSpan(9));
            await client.SendLineAsync("MAIL FROM:<>");
            Assert.StartsWith("250", await client.ReadReplyAsync());
            await client.SendLineAsync($"RCPT TO:<{forged}>");
            Assert.StartsWith("550 5.1.1", await client.ReadReplyAsync());
        }
        var bounce = await WaitForMessageAsync(sink, "Subject: bounce of the re-forward", "the bounce at the first forwarder");
        Assert.Contains("X-Mail-Args: <>", bounce, StringComparison.Ordinal);
        Assert.Contains($"X-Rcpt-Args: <{firstHop}>", bounce, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sql")]
    [InlineData("Ldap")]
    public async Task Lmtp_ForwardingUsers_QueuedWithSrsSender_OneReplyPerRecipient(string backend)
    {
        await using var sink = await SmtpSink.StartAsync(IPAddress.Loopback, SmtpSink.FreePort(IPAddress.Loopback));
        await using var slapd = backend == "Ldap" ? await SlapdProcess.StartNewAsync() : null;
        var settings = slapd?.Server.Settings() ?? [];
        settings["Mail:Outbound:Routes:remote.example"] = $"127.0.0.1:{sink.Port}";
        settings["Mail:Srs:Secret"] = "end-to-end secret";
        settings["Mail:Srs:Domain"] = MailHostFixture.Domain;
        await using var host = await MailHostFixture.StartAsync(settings);
        var admin = host.Services.GetRequiredService<IDirectoryAdmin>();
        Assert.Equal(DirectoryChangeResult.Done, await admin.SetForwardingAsync(MailHostFixture.Alice, "alice@remote.example", keepCopy: true, CancellationToken.None));
        Assert.Equal(DirectoryChangeResult.Done, await admin.SetForwardingAsync(MailHostFixture.Bob, "bob@remote.example", keepCopy: false, CancellationToken.None));

        await using var client = await WireClient.ConnectAsync(host.Endpoint(MailEndpoints.Lmtp));
        Assert.StartsWith("220", await client.ReadReplyAsync());
        await client.SendLineAsync("LHLO origin.example");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        await client.SendLineAsync($"MAIL FROM:<{Sender}>");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        await client.SendLineAsync($"RCPT TO:<{MailHostFixture.Alice}>");
        Assert.StartsWith("250 2.1.5", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<Bob+news@example.com>");
        Assert.StartsWith("250 2.1.5", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<nobody@example.com>");
        Assert.StartsWith("550 5.1.1", await client.ReadReplyAsync());
        await client.SendLineAsync("DATA");
        Assert.StartsWith("354", await client.ReadReplyAsync());
        await client.SendAsync($"From: <{Sender}>\r\nTo: <{MailHostFixture.Alice}>\r\nSubject: lmtp forward\r\n" +
            $"Date: {DateTimeOffset.UtcNow:r}\r\nMessage-ID: <{Guid.NewGuid():N}@origin.example>\r\n\r\nbody\r\n.\r\n");
        // RFC 2033 §4.2: one reply per accepted recipient, in RCPT order.
        Assert.StartsWith($"250 2.0.0 <{MailHostFixture.Alice}> delivered as ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0 <Bob+news@example.com> forwarded as ", await client.ReadReplyAsync(), StringComparison.Ordinal);

        var forwarded = await WaitForMessageAsync(sink, "Subject: lmtp forward", "the LMTP-forwarded message at the remote MTA");
        var srsSender = Header(forwarded, "X-Mail-Args").Split(' ')[0].Trim('<', '>');
        Assert.Matches("^SRS0=[^=]{4}=[A-Z2-7]{2}=origin\\.example=sender@example\\.com$", srsSender);
        await OutboundTestHost.WaitUntilAsync(() =>
        {
            var dumps = sink.Messages().Select(m => Encoding.UTF8.GetString(m)).Where(m => m.Contains("Subject: lmtp forward", StringComparison.Ordinal)).ToList();
            return dumps.Any(m => m.Contains("X-Rcpt-Args: <alice@remote.example>", StringComparison.Ordinal))
                && dumps.Any(m => m.Contains("X-Rcpt-Args: <bob@remote.example>", StringComparison.Ordinal));
        }, "both forwards at the remote MTA");
        Assert.DoesNotContain("Return-Path:", forwarded, StringComparison.Ordinal);
        Assert.Single(await InboxAsync(host, MailHostFixture.Alice));
        Assert.Empty(await InboxAsync(host, MailHostFixture.Bob));
    }

    /// <summary>The sink's dump that contains <paramref name="marker"/>, once it is complete (the sink writes it in pieces).</summary>
    private static async Task<string> WaitForMessageAsync(SmtpSink sink, string marker, string what)
    {
        string? found = null;
        await OutboundTestHost.WaitUntilAsync(() =>
        {
            found = sink.Messages().Select(m => Encoding.UTF8.GetString(m)).FirstOrDefault(m => m.Contains(marker, StringComparison.Ordinal) && m.Contains("\nbody", StringComparison.Ordinal));
            return found is not null;
        }, what);
        return found!;
    }

    private static async Task<WireClient> ConnectAsync(MailHostFixture host)
    {
        var client = await WireClient.ConnectAsync(host.Endpoint(MailEndpoints.SmtpIn));
        Assert.StartsWith("220", await client.ReadReplyAsync());
        await client.SendLineAsync("EHLO origin.example");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        return client;
    }

    /// <summary>One MAIL/RCPT/DATA transaction; returns the DATA reply.</summary>
    private static async Task<string> TransactionAsync(WireClient client, string from, string[] to, string subject)
    {
        await client.SendLineAsync($"MAIL FROM:<{from}>");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        foreach (var rcpt in to)
        {
            await client.SendLineAsync($"RCPT TO:<{rcpt}>");
            Assert.StartsWith("250", await client.ReadReplyAsync());
        }
        await client.SendLineAsync("DATA");
        Assert.StartsWith("354", await client.ReadReplyAsync());
        await client.SendAsync($"From: <{(from.Length > 0 ? from : "MAILER-DAEMON@remote.example")}>\r\nTo: <{to[0]}>\r\nSubject: {subject}\r\n" +
            $"Date: {DateTimeOffset.UtcNow:r}\r\nMessage-ID: <{Guid.NewGuid():N}@origin.example>\r\n\r\nbody\r\n.\r\n");
        return await client.ReadReplyAsync();
    }

    private static string Header(string message, string name)
    {
        var line = message.Split("\n").FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"no {name} in:\n{message}");
        return line[(name.Length + 1)..].Trim();
    }

    private static async Task<List<string>> InboxAsync(MailHostFixture host, string account)
    {
        var store = await host.Services.GetRequiredService<IMailStore>().OpenAccountAsync(account, CancellationToken.None);
        var inbox = await store.GetMailboxAsync("INBOX", CancellationToken.None);
        return inbox is null ? [] : [.. (await store.GetMessagesAsync(inbox.Id, CancellationToken.None)).Select(m => m.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }
}
