using System.Net;
using System.Net.Sockets;

namespace Mail.Protocols.Hosting;

/// <summary>The one way every protocol listener (SMTP in, Submission, IMAP, POP3, LMTP) opens its TCP socket.</summary>
public static class ListeningSocket
{
    /// <summary>Backlog of pending connections per listener.</summary>
    public const int Backlog = 512;

    /// <summary>
    /// Binds and listens on <paramref name="endpoint"/> with the native <c>SO_REUSEADDR</c> only, so a node
    /// restarted right after a crash rebinds its ports while the old connections sit in TIME_WAIT, while a
    /// second live listener on the same port (another instance started on the defaults) is refused.
    /// <see cref="SocketOptionName.ReuseAddress"/> is not used: on Linux .NET maps it to <c>SO_REUSEADDR</c> plus
    /// <c>SO_REUSEPORT</c>, and two instances would then silently share the port, the kernel handing each new
    /// connection to either of them. An IPv6 endpoint also accepts IPv4 (dual mode).
    /// </summary>
    /// <param name="endpoint">Address and TCP port; port 0 picks a free port (read it back from <see cref="Socket.LocalEndPoint"/>).</param>
    /// <returns>A listening socket the caller owns.</returns>
    /// <exception cref="SocketException">The endpoint cannot be bound (<see cref="SocketError.AddressAlreadyInUse"/> when another listener holds it, no permission).</exception>
    public static Socket Open(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            SetReuseAddressOnly(socket);
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = true;
            }
            socket.Bind(endpoint);
            socket.Listen(Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sets <c>SO_REUSEADDR</c> without <c>SO_REUSEPORT</c>: raw on Linux (<c>SOL_SOCKET</c> 1, <c>SO_REUSEADDR</c> 2)
    /// and on macOS/FreeBSD (<c>0xffff</c>, 4). Windows rebinds over TIME_WAIT without it, and its
    /// <c>SO_REUSEADDR</c> would let another socket take the port, so nothing is set there.
    /// </summary>
    private static void SetReuseAddressOnly(Socket socket)
    {
        ReadOnlySpan<byte> on = BitConverter.GetBytes(1);
        if (OperatingSystem.IsLinux())
        {
            socket.SetRawSocketOption(1, 2, on);
        }
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            socket.SetRawSocketOption(0xffff, 4, on);
        }
    }
}
