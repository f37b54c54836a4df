namespace Mail.Web.Tests.Protocols.Pop3;

public sealed class UserPassTests : Pop3TestBase
{
    [Fact]
    public async Task UserPass_Valid_EntersTransaction()
    {
        await DeliverAsync("Subject: a\r\n\r\nbody\r\n");
        var client = await ConnectAsync();
        await client.SendLineAsync("USER Alice@Example.com");
        Assert.Equal("+OK send PASS", await client.ReadLineAsync());
        await client.SendLineAsync("PASS password");
        Assert.Equal("+OK alice@example.com has 1 messages (20 octets)", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Pass_WrongPassword_ReturnsAuthErr()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("USER alice@example.com");
        await client.ReadLineAsync();
        await client.SendLineAsync("PASS wrong");
        Assert.Equal("-ERR [AUTH] authentication failed", await client.ReadLineAsync());
        await client.SendLineAsync("STAT");
        Assert.Equal("-ERR STAT not valid in this state", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Pass_WithoutUser_ReturnsErr()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("PASS password");
        Assert.Equal("-ERR USER first", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Pass_ThreeFailures_ClosesConnection()
    {
        var client = await ConnectAsync();
        for (var i = 0; i < 2; i++)
        {
            await client.SendLineAsync("USER alice@example.com");
            await client.ReadLineAsync();
            await client.SendLineAsync("PASS wrong" + i);
            Assert.Equal("-ERR [AUTH] authentication failed", await client.ReadLineAsync());
        }
        await client.SendLineAsync("USER nobody@example.com");
        await client.ReadLineAsync();
        await client.SendLineAsync("PASS x");
        Assert.Equal("-ERR [AUTH] authentication failed, too many failures, closing connection", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Pass_WithSpaces_IsOnePassword()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("USER alice@example.com");
        await client.ReadLineAsync();
        await client.SendLineAsync("PASS pass word");
        Assert.Equal("-ERR [AUTH] authentication failed", await client.ReadLineAsync());
    }

    [Fact]
    public async Task User_WithoutName_ReturnsErr()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("USER");
        Assert.Equal("-ERR usage: USER name", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Quit_InAuthorization_SaysByeAndCloses()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("QUIT");
        Assert.Equal("+OK bye", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }
}

public sealed class PlaintextRefusedTests : Pop3TestBase
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Mail:Authentication:AllowPlaintextOnLoopback"] = "false",
    };

    [Fact]
    public async Task UserPassAuth_WithoutTls_AreRefused()
    {
        var client = await ConnectAsync();
        foreach (var command in new[] { "USER alice@example.com", "PASS password", "AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHBhc3N3b3Jk" })
        {
            await client.SendLineAsync(command);
            Assert.Equal("-ERR [AUTH] plaintext authentication disallowed without TLS, use STLS", await client.ReadLineAsync());
        }
        await client.SendLineAsync("CAPA");
        await client.ReadLineAsync();
        var capa = await ReadMultiLineAsync(client);
        Assert.DoesNotContain("USER", capa);
        Assert.Contains("STLS", capa);
    }

    [Fact]
    public async Task UserPass_AfterStls_Works()
    {
        await DeliverAsync("Subject: tls\r\n\r\nx\r\n");
        var client = await ConnectAsync();
        // Pipelined after STLS: must be dropped, not executed inside TLS (RFC 2595 §4).
        await client.SendAsync("STLS\r\nUSER alice@example.com\r\n");
        Assert.Equal("+OK begin TLS negotiation", await client.ReadLineAsync());
        await client.StartTlsAsync();
        await client.SendLineAsync("PASS password");
        Assert.Equal("-ERR USER first", await client.ReadLineAsync());
        await client.SendLineAsync("CAPA");
        await client.ReadLineAsync();
        var capa = await ReadMultiLineAsync(client);
        Assert.Contains("USER", capa);
        Assert.DoesNotContain("STLS", capa);
        await client.SendLineAsync("USER alice@example.com");
        Assert.Equal("+OK send PASS", await client.ReadLineAsync());
        await client.SendLineAsync("PASS password");
        Assert.StartsWith("+OK alice@example.com has 1 messages", await client.ReadLineAsync());
        await client.SendLineAsync("STLS");
        Assert.Equal("-ERR STLS not valid in this state", await client.ReadLineAsync());
    }
}
