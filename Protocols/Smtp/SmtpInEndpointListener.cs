using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Smtp.Wire;
using Microsoft.Extensions.Logging;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace Mail.Protocols.Smtp;

/// <summary>
/// Hands SmtpServer the socket we bound ourselves (so port 0 is known before the host reports
/// started) and wraps each accepted connection in a <see cref="SmtpWireGuard"/>.
/// </summary>
internal sealed class SmtpInEndpointListenerFactory : IEndpointListenerFactory
{
    private readonly Socket _listenSocket;
    private readonly Func<Socket, SmtpWireGuard> _createGuard;

    public SmtpInEndpointListenerFactory(Socket listenSocket, Func<Socket, SmtpWireGuard> createGuard)
    {
        _listenSocket = listenSocket;
        _createGuard = createGuard;
    }

    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition) => new Listener(_listenSocket, _createGuard);

    private sealed class Listener : IEndpointListener
    {
        private readonly Socket _listenSocket;
        private readonly Func<Socket, SmtpWireGuard> _createGuard;

        public Listener(Socket listenSocket, Func<Socket, SmtpWireGuard> createGuard)
        {
            _listenSocket = listenSocket;
            _createGuard = createGuard;
        }

        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var socket = await _listenSocket.AcceptAsync(cancellationToken);
            socket.NoDelay = true;
            var guard = _createGuard(socket);
            context.Properties[EndpointListener.LocalEndPointKey] = guard.Connection.Local;
            context.Properties[EndpointListener.RemoteEndPointKey] = guard.Connection.Remote;
            context.Properties[SmtpInConnection.PropertyKey] = guard.Connection;
            guard.Start();
            return guard;
        }

        public void Dispose() => _listenSocket.Dispose();
    }
}
