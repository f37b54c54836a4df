using MailKit.Net.Smtp;
using MimeKit;

namespace Mail.Web.Tests.EndToEnd.Clients;

/// <summary>
/// MailKit's <c>SmtpClient</c> that sends a parsed message as MimeKit serializes it, without preparing it for the
/// server's encoding constraints first.
/// </summary>
/// <remarks>
/// MailKit 4.18 has no "send these bytes" API: <c>SmtpClient.Send</c> takes a <see cref="MimeMessage"/>, calls
/// <see cref="Prepare"/> (which re-encodes parts with long lines or 8-bit data; switched off here) and writes the
/// message with MimeKit. MimeKit keeps the raw bytes of a parsed message, so most messages go out unchanged; a
/// malformed one (an mbox <c>From </c> line, a missing end boundary) comes out normalized. The test therefore
/// records the bytes this client really wrote (<see cref="RecordingStream"/>) and compares the mailbox with those.
/// </remarks>
public sealed class AsIsSmtpClient : SmtpClient
{
    protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
    {
        // Send the parsed message as it is.
    }
}

/// <summary>A stream over a socket stream that keeps a copy of every byte written (the client's side of the dialogue).</summary>
#pragma warning disable CA2213 // _written is a MemoryStream (no unmanaged state) that must outlive the socket
public sealed class RecordingStream(Stream inner) : Stream
{
    private readonly MemoryStream _written = new();

    /// <summary>Number of bytes written so far.</summary>
    public long WrittenLength => _written.Length;

    /// <summary>The bytes written from <paramref name="start"/> on.</summary>
    public byte[] WrittenSince(long start) => _written.GetBuffer().AsSpan((int)start, (int)(_written.Length - start)).ToArray();

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanTimeout => inner.CanTimeout;

    public override int ReadTimeout { get => inner.ReadTimeout; set => inner.ReadTimeout = value; }

    public override int WriteTimeout { get => inner.WriteTimeout; set => inner.WriteTimeout = value; }

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count)
    {
        _written.Write(buffer, offset, count);
        inner.Write(buffer, offset, count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _written.Write(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>
    /// The message carried by the DATA command in a client's transcript: the bytes after <c>DATA\r\n</c> up to the
    /// terminating <c>.\r\n</c>, with the dot-stuffing removed (RFC 5321 §4.5.2). Null when there is no DATA.
    /// </summary>
    public static byte[]? DataPayload(ReadOnlySpan<byte> transcript)
    {
        var data = transcript.IndexOf("\r\nDATA\r\n"u8);
        int start;
        if (transcript.StartsWith("DATA\r\n"u8))
        {
            start = 6;
        }
        else if (data >= 0)
        {
            start = data + 8;
        }
        else
        {
            return null;
        }
        var end = transcript.LastIndexOf("\r\n.\r\n"u8);
        if (end < start - 2)
        {
            return null;
        }
        var stuffed = transcript[start..(end + 2)];
        var output = new List<byte>(stuffed.Length);
        var lineStart = true;
        for (var i = 0; i < stuffed.Length; i++)
        {
            if (!(lineStart && stuffed[i] == '.'))
            {
                output.Add(stuffed[i]);
            }
            lineStart = stuffed[i] == '\n' && i > 0 && stuffed[i - 1] == '\r';
        }
        return [.. output];
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The record stays readable: MailKit disposes the stream when it gives up on a session.
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
#pragma warning restore CA2213
