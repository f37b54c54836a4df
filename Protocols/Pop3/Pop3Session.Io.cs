using Mail.Protocols.Hosting;
using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;

namespace Mail.Protocols.Pop3;

internal sealed partial class Pop3Session
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);
    private PipeReader? _reader;

    /// <summary>A line read from the client, or a rejection of an over-long one.</summary>
    internal sealed record Pop3Line(byte[] Bytes, bool Rejected);

    private PipeReader NewReader() => PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));

    /// <summary>Reads the next line (at most <paramref name="maxOctets"/> with CRLF); null at end of stream.</summary>
    /// <exception cref="TimeoutException">Nothing arrived for <see cref="Pop3Options.IdleTimeoutSeconds"/>.</exception>
    public async Task<Pop3Line?> ReadLineAsync(int maxOctets, CancellationToken cancellationToken)
    {
        var reader = _reader!;
        var discarding = false;
        while (true)
        {
            ReadResult result;
            using (var idle = new CancellationTokenSource(TimeSpan.FromSeconds(Options.IdleTimeoutSeconds), _services.Time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, cancellationToken))
            {
                try
                {
                    result = await reader.ReadAsync(linked.Token);
                }
                catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException("POP3 idle timeout.");
                }
            }
            var buffer = result.Buffer;
            var status = CommandLineReader.TryReadLine(ref buffer, maxOctets, out var line);
            reader.AdvanceTo(buffer.Start, status == CommandLineStatus.NeedMore ? buffer.End : buffer.Start);
            switch (status)
            {
                case CommandLineStatus.Line:
                    return new Pop3Line(line, discarding);
                case CommandLineStatus.TooLong:
                    return new Pop3Line([], true);
                case CommandLineStatus.TooLongPartial:
                    discarding = true;
                    continue;
                case CommandLineStatus.NeedMore when result.IsCompleted:
                    return null;
                case CommandLineStatus.NeedMore:
                    continue;
            }
        }
    }

    /// <summary>Writes one reply line (CRLF added) and flushes.</summary>
    public async Task WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        var bytes = Utf8.GetBytes(line + "\r\n");
        await _stream.WriteAsync(bytes, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>Writes a multi-line response body (RFC 1939 §3): each line dot-stuffed, then the terminating ".".</summary>
    public async Task WriteMultiLineAsync(IEnumerable<string> lines, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            if (line.StartsWith('.'))
            {
                text.Append('.');
            }
            text.Append(line).Append("\r\n");
        }
        text.Append(".\r\n");
        await _stream.WriteAsync(Utf8.GetBytes(text.ToString()), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>The raw output stream, for message transfer (<see cref="Pop3MessageWriter"/>).</summary>
    public Stream Output => _stream;

    private async Task TryWriteAsync(string line)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await WriteLineAsync(line, cts.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Pop3Log.ConnectionEnded(Logger, Remote, ex.Message);
        }
    }
}
