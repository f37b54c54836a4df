using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Mail.Web.Tests.Protocols.Imap.Conformance;

/// <summary>One server response line: tag (<c>*</c>, <c>+</c> or a command tag) and its arguments.</summary>
public sealed record ImapScriptResponse(string Tag, List<ImapTestArg> Args, string Raw)
{
    public bool IsUntagged => Tag == "*";

    public bool IsContinuation => Tag == "+";
}

/// <summary>
/// A socket connection for the script runner: sends Latin-1 text, reads response lines with their
/// literals inline and parses them into <see cref="ImapTestArg"/>s.
/// </summary>
public sealed class ImapScriptConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[65536];
    private int _start;
    private int _end;

    private ImapScriptConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Connection number (1-based) used in tags.</summary>
    public int Number { get; private init; }

    /// <summary>Messages in the selected mailbox as this connection knows it (EXISTS minus EXPUNGE).</summary>
    public int MessageCount { get; set; }

    /// <summary>The peer closed the connection.</summary>
    public bool Closed { get; private set; }

    /// <summary>A BYE was received.</summary>
    public bool SeenBye { get; set; }

    /// <summary>The latest CAPABILITY list (greeting code or CAPABILITY response).</summary>
    public IReadOnlyList<string> Capabilities { get; set; } = [];

    public static async Task<ImapScriptConnection> ConnectAsync(string host, int port, int number, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(host, port, cancellationToken);
        return new ImapScriptConnection(client) { Number = number };
    }

    public async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(Encoding.Latin1.GetBytes(text), cancellationToken);
    }

    /// <summary>Reads one response (null when the connection closed).</summary>
    public async Task<ImapScriptResponse?> ReadAsync(CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line is null)
            {
                Closed = true;
                return null;
            }
            text.Append(line);
            if (TryLiteralLength(line, out var length))
            {
                text.Append("\r\n");
                var data = await ReadExactAsync(length, cancellationToken);
                if (data is null)
                {
                    Closed = true;
                    return null;
                }
                text.Append(data);
                continue;
            }
            break;
        }
        var raw = text.ToString();
        var space = raw.IndexOf(' ', StringComparison.Ordinal);
        var tag = space < 0 ? raw : raw[..space];
        var rest = space < 0 ? "" : raw[(space + 1)..];
        return new ImapScriptResponse(tag, ImapTestArg.Parse(rest), raw);
    }

    private static bool TryLiteralLength(string line, out int length)
    {
        length = 0;
        if (!line.EndsWith('}'))
        {
            return false;
        }
        var open = line.LastIndexOf('{');
        return open >= 0 && int.TryParse(line.AsSpan(open + 1, line.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out length);
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var sb = new StringBuilder();
        while (true)
        {
            for (var i = _start; i < _end; i++)
            {
                if (_buffer[i] == (byte)'\n')
                {
                    sb.Append(Encoding.Latin1.GetString(_buffer, _start, i - _start));
                    _start = i + 1;
                    if (sb.Length > 0 && sb[^1] == '\r')
                    {
                        sb.Length--;
                    }
                    return sb.ToString();
                }
            }
            sb.Append(Encoding.Latin1.GetString(_buffer, _start, _end - _start));
            _start = _end = 0;
            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }
    }

    private async Task<string?> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var sb = new StringBuilder(count);
        while (sb.Length < count)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                return null;
            }
            var take = Math.Min(count - sb.Length, _end - _start);
            sb.Append(Encoding.Latin1.GetString(_buffer, _start, take));
            _start += take;
        }
        return sb.ToString();
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        int n;
        try
        {
            n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        }
        catch (IOException)
        {
            return false;
        }
        _end += n;
        return n > 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
