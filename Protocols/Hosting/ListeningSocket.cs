using System.Net;
using System.Net.Sockets;

namespace Mail.Protocols.Hosting;

/// <summary>The one way every protocol listener (SMTP in, Submission, IMAP, POP3, LMTP) opens its TCP socket.</summary>
public static class ListeningSocket
{
    /// <summary>Backlog of pending connections per listener.</summary>
    public const int Backlog = 512;

    /// <summary>
    /// Binds and listens on <paramref name="endpoint"/> with <c>SO_REUSEADDR</c>, so a node restarted right
    /// after a crash rebinds its ports while the old connections sit in TIME_WAIT (Linux still refuses a
    /// second live listener on the same port); an IPv6 endpoint also accepts IPv4 (dual mode).
    /// </summary>
    /// <param name="endpoint">Address and TCP port; port 0 picks a free port (read it back from <see cref="Socket.LocalEndPoint"/>).</param>
    /// <returns>A listening socket the caller owns.</returns>
    /// <exception cref="SocketException">The endpoint cannot be bound (in use by a listener, no permission).</exception>
    public static Socket Open(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
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
}
