using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Hosting;

namespace Mail.Web.Tests.Protocols.Hosting;

public sealed class ListeningSocketTests
{
    [Fact]
    public void Open_PortHeldByLiveListener_ThrowsAddressAlreadyInUse()
    {
        using var first = ListeningSocket.Open(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = (IPEndPoint)first.LocalEndPoint!;

        var error = Assert.Throws<SocketException>(() => ListeningSocket.Open(taken));

        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    [Fact]
    public async Task Open_PortInTimeWaitAfterRestart_Rebinds()
    {
        var first = ListeningSocket.Open(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = (IPEndPoint)first.LocalEndPoint!;
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(endpoint).WaitAsync(TimeSpan.FromSeconds(30));
            using var accepted = await first.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(30));
            // The server side closes first, so its end of the connection stays in TIME_WAIT on the listening port.
            accepted.Shutdown(SocketShutdown.Both);
            accepted.Close();
            var buffer = new byte[1];
            await client.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30));
        }
        first.Dispose();

        using var second = ListeningSocket.Open(endpoint);

        Assert.Equal(endpoint.Port, ((IPEndPoint)second.LocalEndPoint!).Port);
    }
}
