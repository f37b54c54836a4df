using Mail.Protocols.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class StartTlsCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task StartTls_ThenLogin_WorksOverTls()
    {
        await using var c = await host.ConnectAsync();
        Assert.Equal(["t1 OK Begin TLS negotiation now"], await c.CommandAsync("t1 STARTTLS"));
        await c.UpgradeToTlsAsync(host.Services.GetRequiredService<TlsCertificateProvider>().Certificate);
        var caps = await c.CommandAsync("t2 CAPABILITY");
        Assert.DoesNotContain("STARTTLS", caps[0], StringComparison.Ordinal);
        Assert.Contains("AUTH=PLAIN", caps[0], StringComparison.Ordinal);
        Assert.StartsWith("t3 OK", (await c.CommandAsync($"t3 LOGIN {MailHostFixture.Alice} {MailHostFixture.Password}"))[^1], StringComparison.Ordinal);
        Assert.Equal("t4 BAD Command not valid in this state", (await c.CommandAsync("t4 STARTTLS"))[^1]);
    }

    [Fact]
    public async Task StartTls_WithPipelinedPlaintext_ClosesConnection()
    {
        await using var c = await host.ConnectAsync();
        await c.SendAsync("t1 STARTTLS\r\nt2 LOGIN x y\r\n");
        var rest = await c.ReadToEndAsync();
        Assert.StartsWith("t1 OK", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("t2", rest, StringComparison.Ordinal);
    }
}
