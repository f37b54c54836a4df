using System.Text;
using Mail.Protocols.Smtp.Outbound.Client;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound.Client;

/// <summary>
/// Our delivery client against a scripted raw-socket peer (<see cref="ScriptedSmtpServer"/>): the exact command lines
/// and data octets it sends, per-recipient results, and the protocol errors that end a session.
/// </summary>
public sealed class SmtpDeliveryClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static Task<SmtpDeliveryClient> ConnectAsync(ScriptedSmtpServer server) => ConnectAsync(server, SmtpTlsMode.WhenAvailable);

    private static async Task<SmtpDeliveryClient> ConnectAsync(ScriptedSmtpServer server, SmtpTlsMode tls) =>
        await SmtpDeliveryClient.ConnectAsync(await server.ConnectAsync(), "scripted.test", "mail.test.example", tls, (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None, Timeout, CancellationToken.None);

    private static string Ehlo(params string[] extensions) =>
        string.Concat(["250-scripted.test\r\n", .. extensions.Select((e, i) => (i == extensions.Length - 1 ? "250 " : "250-") + e + "\r\n")]);

    [Fact]
    public async Task Send_Pipelined_GivesAResultPerRecipient_AndRelaysDsnParametersAsReceived()
    {
        await using var server = new ScriptedSmtpServer(line => line switch
        {
            _ when line.StartsWith("EHLO", StringComparison.Ordinal) => Ehlo("PIPELINING", "DSN", "SIZE 1000000", "8BITMIME"),
            _ when line.StartsWith("RCPT TO:<bad@", StringComparison.Ordinal) => "550 5.1.1 no such user\r\n",
            _ when line.StartsWith("RCPT TO:<later@", StringComparison.Ordinal) => "451 4.2.1 try later\r\n",
            "DATA" => "354 go ahead\r\n",
            "." => "250 2.0.0 queued as X1\r\n",
            _ => "250 2.1.0 ok\r\n",
        });
        await using var client = await ConnectAsync(server);
        Assert.True(client.Extensions.HasFlag(SmtpServerExtensions.Pipelining | SmtpServerExtensions.Dsn | SmtpServerExtensions.Size));
        var message = Encoding.ASCII.GetBytes("Subject: t\r\n\r\n.leading dot\r\nlast line");
        var result = await client.SendAsync(new SmtpEnvelope("alice@example.com",
        [
            new("carol@remote.test", "SUCCESS,FAILURE", "rfc822;carol+list=x@orig.test"),
            new("bad@remote.test", null, null),
            new("later@remote.test", "NEVER", "utf-8;dörte@orig.test"),
        ], "HDRS", "env+2B42", RequireTls: false), message, CancellationToken.None);

        Assert.Equal([250, 550, 451], result.Recipients.Select(r => r.Code));
        Assert.Equal("250 2.0.0 queued as X1", result.Data!.ToString());
        Assert.Equal(
        [
            "EHLO mail.test.example",
            $"MAIL FROM:<alice@example.com> SIZE={message.Length} RET=HDRS ENVID=env+2B42",
            "RCPT TO:<carol@remote.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;carol+2Blist+3Dx@orig.test",
            "RCPT TO:<bad@remote.test> ORCPT=rfc822;bad@remote.test",
            "RCPT TO:<later@remote.test> NOTIFY=NEVER ORCPT=utf-8;d+C3+B6rte@orig.test",
            "DATA",
        ], server.Lines.ToArray());
        // RFC 5321 §4.5.2: a leading dot doubled, the last line ended, then the end of data.
        Assert.Equal("Subject: t\r\n\r\n..leading dot\r\nlast line\r\n.\r\n", Encoding.ASCII.GetString(Assert.Single(server.Data)));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Send_WithoutDsn_SendsNoDsnParameters_AndNoRecipientAcceptedResetsWithoutData()
    {
        await using var server = new ScriptedSmtpServer(line => line switch
        {
            _ when line.StartsWith("EHLO", StringComparison.Ordinal) => Ehlo("CHUNKING"),
            _ when line.StartsWith("RCPT", StringComparison.Ordinal) => "550 5.7.1 relay denied\r\n",
            _ => "250 ok\r\n",
        });
        await using var client = await ConnectAsync(server);
        var result = await client.SendAsync(new SmtpEnvelope("", [new("x@remote.test", "FAILURE", "rfc822;y@orig.test")], "FULL", "e1", false),
            "Subject: t\r\n\r\nbody\r\n"u8.ToArray(), CancellationToken.None);
        Assert.Equal(550, Assert.Single(result.Recipients).Code);
        Assert.Null(result.Data);
        Assert.Equal(["EHLO mail.test.example", "MAIL FROM:<>", "RCPT TO:<x@remote.test>", "RSET"], server.Lines.ToArray());
        Assert.Empty(server.Data);
    }

    [Fact]
    public async Task Send_WithChunking_UsesBdatWithTheExactOctets_AndIdnDomainsBecomeALabelsWithoutSmtpUtf8()
    {
        await using var server = new ScriptedSmtpServer(line => line.StartsWith("EHLO", StringComparison.Ordinal) ? Ehlo("CHUNKING", "PIPELINING") : "250 ok\r\n");
        await using var client = await ConnectAsync(server);
        var message = "Subject: t\r\n\r\n.no stuffing in BDAT\r\n"u8.ToArray();
        var result = await client.SendAsync(new SmtpEnvelope("alice@example.com", [new("carol@bücher.test", null, null)], null, null, false), message, CancellationToken.None);
        Assert.True(result.Data!.IsSuccess);
        Assert.Contains("RCPT TO:<carol@xn--bcher-kva.test>", server.Lines);
        Assert.Contains($"BDAT {message.Length} LAST", server.Lines);
        Assert.Equal(message, Assert.Single(server.Data));
    }

    [Fact]
    public async Task Send_Utf8AddressAnd8BitBody_ToHopWithSmtpUtf8And8BitMime_SendsBothParametersAndUtf8Octets()
    {
        await using var server = new ScriptedSmtpServer(line => line.StartsWith("EHLO", StringComparison.Ordinal) ? Ehlo("SMTPUTF8", "8BITMIME", "PIPELINING") : line == "DATA" ? "354 go\r\n" : "250 ok\r\n");
        await using var client = await ConnectAsync(server);
        var message = Encoding.UTF8.GetBytes("Subject: t\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n");
        var result = await client.SendAsync(new SmtpEnvelope("alice@example.com", [new("jörg@bücher.test", null, null)], null, null, false), message, CancellationToken.None);
        Assert.True(result.Data!.IsSuccess);
        // RFC 6531 §3.4 and RFC 6152 §2: the address stays UTF-8 (no A-labels) with SMTPUTF8.
        Assert.Equal(["EHLO mail.test.example", "MAIL FROM:<alice@example.com> BODY=8BITMIME SMTPUTF8", "RCPT TO:<jörg@bücher.test>", "DATA"], server.Lines.ToArray());
    }

    [Fact]
    public async Task StartTls_WithOctetsAfterThe220_IsAProtocolError()
    {
        // CVE-2011-0411: a reply injected behind the 220 must not be read as if it came over TLS.
        await using var server = new ScriptedSmtpServer(line => line switch
        {
            _ when line.StartsWith("EHLO", StringComparison.Ordinal) => Ehlo("STARTTLS"),
            "STARTTLS" => "220 go ahead\r\n250 injected\r\n",
            _ => "250 ok\r\n",
        });
        var error = await Assert.ThrowsAsync<SmtpClientProtocolException>(() => ConnectAsync(server));
        Assert.Equal(SmtpClientRejectReason.DataAfterStartTls, error.Reason);
    }

    [Fact]
    public async Task Connect_TlsRequired_WithoutStartTls_ThrowsNotOffered()
    {
        await using var server = new ScriptedSmtpServer(line => line.StartsWith("EHLO", StringComparison.Ordinal) ? Ehlo("PIPELINING") : "250 ok\r\n");
        var error = await Assert.ThrowsAsync<SmtpClientTlsException>(() => ConnectAsync(server, SmtpTlsMode.Required));
        Assert.True(error.NotOffered);
    }

    [Fact]
    public async Task Connect_EhloRefused_FallsBackToHelo_WithNoExtensions()
    {
        await using var server = new ScriptedSmtpServer(line => line.StartsWith("EHLO", StringComparison.Ordinal) ? "502 5.5.1 no EHLO\r\n" : "250 ok\r\n");
        await using var client = await ConnectAsync(server);
        Assert.Equal(SmtpServerExtensions.None, client.Extensions);
        Assert.Equal(["EHLO mail.test.example", "HELO mail.test.example"], server.Lines.ToArray());
    }

    [Fact]
    public async Task Reply421_EndsTheSession()
    {
        await using var server = new ScriptedSmtpServer(line => line.StartsWith("EHLO", StringComparison.Ordinal) ? Ehlo("PIPELINING") : "421 4.3.2 shutting down\r\n");
        await using var client = await ConnectAsync(server);
        var result = await client.SendAsync(new SmtpEnvelope("a@example.com", [new("b@remote.test", null, null)], null, null, false), "\r\n"u8.ToArray(), CancellationToken.None);
        Assert.Equal(421, result.Mail.Code);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Greeting_Not220_ThrowsCommandException()
    {
        await using var server = new ScriptedSmtpServer(_ => "250 ok\r\n", greeting: "554 5.7.1 go away\r\n");
        var error = await Assert.ThrowsAsync<SmtpClientCommandException>(() => ConnectAsync(server));
        Assert.Equal(554, error.Reply.Code);
    }
}
