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
    private readonly Func<Socket, Task<bool>> _admit;

    /// <param name="admit">Decides on each accepted socket before SmtpServer sees it (false: it was answered and closed); null admits every connection.</param>
    public SmtpInEndpointListenerFactory(Socket listenSocket, Func<Socket, SmtpWireGuard> createGuard, Func<Socket, Task<bool>>? admit = null)
    {
        _listenSocket = listenSocket;
        _createGuard = createGuard;
        _admit = admit ?? (_ => Task.FromResult(true));
    }

    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition) => new Listener(_listenSocket, _createGuard, _admit);

    private sealed class Listener : IEndpointListener
    {
        private readonly Socket _listenSocket;
        private readonly Func<Socket, SmtpWireGuard> _createGuard;
        private readonly Func<Socket, Task<bool>> _admit;

        public Listener(Socket listenSocket, Func<Socket, SmtpWireGuard> createGuard, Func<Socket, Task<bool>> admit)
        {
            _listenSocket = listenSocket;
            _createGuard = createGuard;
            _admit = admit;
        }

        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            Socket socket;
            do
            {
                socket = await _listenSocket.AcceptAsync(cancellationToken);
            }
            while (!await _admit(socket));
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
