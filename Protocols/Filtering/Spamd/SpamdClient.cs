using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Mail.Protocols.Filtering.Spamd;

/// <summary>
/// A SPAMC/1.5 client over TCP (SpamAssassin's spamd/PROTOCOL). One request per connection:
/// <c>VERB SPAMC/1.5</c>, <c>Content-length</c>, <c>User</c>, an empty line, the message; then the
/// sending side is shut down and the reply read to the end of the connection.
/// </summary>
/// <remarks>
/// spamd answers CHECK/SYMBOLS/REPORT with status line <c>SPAMD/1.1</c> even when asked with 1.5.
/// No compression, no TLS (spamd's <c>-L</c> test setups and LAN deployments).
/// </remarks>
public sealed class SpamdClient
{
    private readonly ScannerEndpoint _endpoint;
    private readonly string _user;
    private readonly int _maxReplyOctets;

    /// <summary>Creates a client for spamd at <paramref name="endpoint"/> (<c>host:port</c>).</summary>
    /// <exception cref="FormatException"><paramref name="endpoint"/> is not <c>host:port</c>.</exception>
    public SpamdClient(string endpoint, string user, int maxReplyOctets)
    {
        _endpoint = ScannerEndpoint.Parse(endpoint);
        _user = user;
        _maxReplyOctets = maxReplyOctets;
    }

    /// <summary>Sends the first <paramref name="maxOctets"/> octets of <paramref name="message"/> with <paramref name="verb"/>.</summary>
    /// <returns>The parsed reply.</returns>
    /// <exception cref="SocketException">spamd is unreachable or reset the connection.</exception>
    /// <exception cref="IOException">The connection failed while sending or receiving.</exception>
    /// <exception cref="SpamdProtocolException">The reply is not a SPAMD reply or is too long.</exception>
    public async Task<SpamdReply> SendAsync(SpamdVerb verb, ScanMessage message, long maxOctets, CancellationToken cancellationToken)
    {
        var length = Math.Min(message.Length, maxOctets);
        var name = verb switch
        {
            SpamdVerb.Check => "CHECK",
            SpamdVerb.Symbols => "SYMBOLS",
            SpamdVerb.Report => "REPORT",
            _ => throw new ArgumentOutOfRangeException(nameof(verb)),
        };
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{name} SPAMC/1.5\r\nContent-length: {length}\r\nUser: {_user}\r\n\r\n"));

        using var socket = await _endpoint.ConnectAsync(cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(head, cancellationToken);
        await message.WriteToAsync(stream, length, cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        var reply = await ReadToEndAsync(stream, cancellationToken);
        return SpamdReply.Parse(reply, out var error) ?? throw new SpamdProtocolException(error!);
    }

    /// <summary>
    /// <c>TELL</c>: learns the first octets of <paramref name="message"/> into spamd's Bayes data as spam
    /// or ham (<c>Message-class: spam|ham</c>, <c>Set: local</c>; spamd's PROTOCOL document). spamd
    /// forgets an earlier learning of the other class itself. spamd refuses TELL unless started with
    /// <c>--allow-tell</c> (a non-zero <see cref="SpamdReply.Code"/>).
    /// </summary>
    /// <exception cref="SocketException">spamd is unreachable or reset the connection.</exception>
    /// <exception cref="IOException">The connection failed while sending or receiving.</exception>
    /// <exception cref="SpamdProtocolException">The reply is not a SPAMD reply or is too long.</exception>
    public async Task<SpamdReply> TellAsync(bool spam, ScanMessage message, CancellationToken cancellationToken)
    {
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"TELL SPAMC/1.5\r\nMessage-class: {(spam ? "spam" : "ham")}\r\nSet: local\r\nContent-length: {message.Length}\r\nUser: {_user}\r\n\r\n"));
        using var socket = await _endpoint.ConnectAsync(cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(head, cancellationToken);
        await message.WriteToAsync(stream, message.Length, cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        var reply = await ReadToEndAsync(stream, cancellationToken);
        return SpamdReply.Parse(reply, out var error) ?? throw new SpamdProtocolException(error!);
    }

    /// <summary>PING: true when spamd answers <c>PONG</c>.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var socket = await _endpoint.ConnectAsync(cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync("PING SPAMC/1.5\r\n\r\n"u8.ToArray(), cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        var reply = await ReadToEndAsync(stream, cancellationToken);
        return reply.AsSpan().IndexOf("PONG"u8) >= 0;
    }

    private async Task<byte[]> ReadToEndAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            using var reply = new MemoryStream();
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (reply.Length + read > _maxReplyOctets)
                {
                    throw new SpamdProtocolException($"reply longer than {_maxReplyOctets} octets");
                }
                reply.Write(buffer, 0, read);
            }
            return reply.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>spamd's reply broke the protocol (not a SPAMD reply, too long).</summary>
public sealed class SpamdProtocolException : Exception
{
    public SpamdProtocolException(string message)
        : base(message)
    {
    }

    public SpamdProtocolException()
    {
    }

    public SpamdProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
