using System.IO.Pipelines;
using Mail.Protocols.Imap.Protocol;

namespace Mail.Protocols.Imap.Session;

public sealed partial class ImapSession
{
    /// <summary>COMPRESS DEFLATE is active (RFC 4978).</summary>
    public bool IsCompressed { get; private set; }

    /// <summary>
    /// Switches the connection to DEFLATE after the tagged OK of COMPRESS (RFC 4978 §4): fresh pipes over
    /// an <see cref="ImapDeflateStream"/> on top of the current stream (socket or TLS). The client must wait
    /// for the OK before compressing, so bytes already buffered after COMPRESS are a protocol violation
    /// and end the connection.
    /// </summary>
    /// <returns>False when the connection must close.</returns>
    private async ValueTask<bool> StartCompressionAsync()
    {
        if (_reader.TryRead(out var pending))
        {
            var early = pending.Buffer.Length > 0;
            _reader.AdvanceTo(pending.Buffer.Start);
            if (early)
            {
                return false;
            }
        }
        await _reader.CompleteAsync();
        await _writer.CompleteAsync();
        var compressed = new ImapDeflateStream(_stream);
        _stream = compressed;
        _reader = PipeReader.Create(compressed, new StreamPipeReaderOptions(leaveOpen: true));
        _writer = PipeWriter.Create(compressed, new StreamPipeWriterOptions(leaveOpen: true));
        Out.Reset(_writer);
        IsCompressed = true;
        ImapLog.CompressionStarted(Logger, Id);
        return true;
    }
}
