using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp;

public sealed class StartTlsTests : SmtpTestBase
{
    [Fact]
    public async Task StartTls_UpgradesAndDeliversWithEsmtps()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("STARTTLS");
        Assert.StartsWith("220 2.0.0", await client.ReadReplyAsync());
        await client.StartTlsAsync();
        await client.SendLineAsync("EHLO c.example");
        var ehlo = await client.ReadReplyAsync();
        Assert.DoesNotContain("STARTTLS", ehlo, StringComparison.Ordinal);
        Assert.Contains("250-ENHANCEDSTATUSCODES", ehlo, StringComparison.Ordinal);
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        Assert.StartsWith("250", await SendDataAsync(client, "Subject: tls\r\n\r\nsecret\r\n.\r\n"));
        Assert.Contains(" with ESMTPS id ", Encoding.ASCII.GetString((await Host.InboxAsync("alice@example.com"))[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_PipelinedCommandsAfterIt_AreDiscarded()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        // RFC 3207 §6 / CVE-2011-0411: plaintext injected after STARTTLS must not run inside TLS.
        await client.SendAsync("STARTTLS\r\nMAIL FROM:<injected@remote.example>\r\n");
        Assert.StartsWith("220", await client.ReadReplyAsync());
        await client.StartTlsAsync();
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.StartsWith("503 5.5.1", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task StartTls_Twice_Returns503()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("STARTTLS");
        await client.ReadReplyAsync();
        await client.StartTlsAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("STARTTLS");
        Assert.StartsWith("503 5.5.1", await client.ReadReplyAsync());
    }
}
