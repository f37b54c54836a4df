using Mail.Protocols.Hosting;
using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;

namespace Mail.Protocols.Lmtp;

internal sealed partial class LmtpSession
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);
    private PipeReader? _reader;

    /// <summary>A command line read from the client, or a rejection of an over-long one.</summary>
    internal sealed record LmtpLine(byte[] Bytes, bool Rejected);

    private PipeReader NewReader() => PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));

    /// <summary>
    /// Reads from the client with the idle timeout applied.
    /// </summary>
    /// <exception cref="TimeoutException">Nothing arrived for <see cref="LmtpOptions.IdleTimeoutSeconds"/>.</exception>
    private async Task<ReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        using var idle = new CancellationTokenSource(TimeSpan.FromSeconds(Options.IdleTimeoutSeconds), _services.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, cancellationToken);
        try
        {
            return await _reader!.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("LMTP idle timeout.");
        }
    }

    /// <summary>Reads the next command line (at most <see cref="LmtpOptions.MaxCommandLineOctets"/> with CRLF); null at end of stream.</summary>
    public async Task<LmtpLine?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var discarding = false;
        while (true)
        {
            var result = await ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var status = CommandLineReader.TryReadLine(ref buffer, Options.MaxCommandLineOctets, out var line);
            _reader!.AdvanceTo(buffer.Start, status == CommandLineStatus.NeedMore ? buffer.End : buffer.Start);
            switch (status)
            {
                case CommandLineStatus.Line:
                    return new LmtpLine(line, discarding);
                case CommandLineStatus.TooLong:
                    return new LmtpLine([], true);
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
    public Task WriteLineAsync(string line, CancellationToken cancellationToken) => WriteAsync(line + "\r\n", cancellationToken);

    /// <summary>Writes reply text (CRLFs included) and flushes.</summary>
    public async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(Utf8.GetBytes(text), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    private async Task TryWriteAsync(string line)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await WriteLineAsync(line, cts.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            LmtpLog.ConnectionEnded(Logger, Remote, ex.Message);
        }
    }
}
