using System.Net;
using Mail.Protocols.Lmtp;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Protocols.Smtp;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Lmtp;

public sealed class TrustedNetworksTests
{
    [Fact]
    public async Task Connection_FromOutsideTrustedNetworks_Gets421AndIsClosed()
    {
        await using var host = await MailProtocolTestHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Mail:Endpoints:Lmtp"] = "127.0.0.1:0",
                ["Mail:Lmtp:TrustedNetworks:0"] = "10.0.0.0/8",
                ["Mail:Lmtp:TrustedNetworks:1"] = "fd00::/8",
            },
            services => services.AddLmtp());
        await using var client = await WireClient.ConnectAsync(host.Services.GetRequiredService<MailEndpoints>().Bound(MailEndpoints.Lmtp)!);
        Assert.Equal("421 4.7.0 mx.test.example LMTP not available from your network", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.0.2.1", false)]
    public void Default_IsLoopbackOnly(string address, bool trusted) =>
        Assert.Equal(trusted, new LmtpTrustedNetworks([]).Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("192.0.2.7", true)]
    [InlineData("192.0.2.8", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("2001:db8::5", true)]
    public void Configured_CidrAndSingleAddresses(string address, bool trusted) =>
        Assert.Equal(trusted, new LmtpTrustedNetworks(["10.0.0.0/8", " 192.0.2.7 ", "2001:db8::/32"]).Contains(IPAddress.Parse(address)));

    [Fact]
    public void InvalidEntry_Throws() =>
        Assert.Throws<FormatException>(() => new LmtpTrustedNetworks(["10.0.0.0/33"]));
}
