using System.Globalization;
using System.Net.Sockets;

namespace Mail.Protocols.Filtering;

/// <summary>A scanner daemon's <c>host:port</c> (or <c>[v6]:port</c>); the host is resolved at each connect.</summary>
internal sealed record ScannerEndpoint(string Host, int Port)
{
    /// <summary>Parses <c>host:port</c>.</summary>
    /// <exception cref="FormatException">Not <c>host:port</c> with a port in 1-65535.</exception>
    public static ScannerEndpoint Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"Scanner endpoint '{text}' is not host:port.");
        }
        return new ScannerEndpoint(text[..colon].Trim().Trim('[', ']'), port);
    }

    /// <summary>Opens a TCP connection (Nagle off: requests are written in large pieces anyway).</summary>
    public async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(Host, Port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
