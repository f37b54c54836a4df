using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;

namespace Mail.Protocols.Imap.Protocol;

/// <summary>
/// Writes IMAP response syntax (RFC 9051 §7, §9) to a <see cref="PipeWriter"/>: atoms, numbers,
/// strings chosen as quoted or literal by content, NIL, lists. Nothing is sent until
/// <see cref="FlushAsync"/>. The session owns the instance; commands write untagged data through it.
/// </summary>
public sealed class ImapResponseWriter
{
    private IBufferWriter<byte> _writer;
    private PipeWriter? _pipe;

    public ImapResponseWriter(PipeWriter writer)
    {
        _writer = writer;
        _pipe = writer;
    }

    /// <summary>A writer that renders into memory (cached BODYSTRUCTURE/ENVELOPE); it cannot flush.</summary>
    public ImapResponseWriter(IBufferWriter<byte> buffer) => _writer = buffer;

    /// <summary>Replaces the underlying writer (after STARTTLS).</summary>
    public void Reset(PipeWriter writer)
    {
        _writer = writer;
        _pipe = writer;
    }

    /// <summary>Whether quoted strings may carry UTF-8 (IMAP4rev2 or UTF8=ACCEPT enabled).</summary>
    public bool Utf8 { get; set; }

    /// <summary>Octets written and not yet flushed.</summary>
    public long Unflushed => _pipe?.UnflushedBytes ?? 0;

    /// <summary>Writes octets as they are.</summary>
    public ImapResponseWriter Raw(ReadOnlySpan<byte> octets)
    {
        _writer.Write(octets);
        return this;
    }

    /// <summary>Writes ASCII text as it is (protocol syntax, never client data).</summary>
    public ImapResponseWriter Ascii(string text)
    {
        var span = _writer.GetSpan(text.Length);
        var n = System.Text.Encoding.ASCII.GetBytes(text, span);
        _writer.Advance(n);
        return this;
    }

    /// <summary>Writes a decimal number.</summary>
    public ImapResponseWriter Number(long value)
    {
        var span = _writer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var n);
        _writer.Advance(n);
        return this;
    }

    /// <summary>Writes a decimal number.</summary>
    public ImapResponseWriter Number(ulong value)
    {
        var span = _writer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var n);
        _writer.Advance(n);
        return this;
    }

    /// <summary>Writes one SP.</summary>
    public ImapResponseWriter Space() => Raw(" "u8);

    /// <summary>Writes CRLF.</summary>
    public ImapResponseWriter Crlf() => Raw("\r\n"u8);

    /// <summary>Writes <c>NIL</c>.</summary>
    public ImapResponseWriter Nil() => Raw("NIL"u8);

    /// <summary>Writes an nstring: NIL for null, else a quoted string or literal (<see cref="StringOctets"/>).</summary>
    public ImapResponseWriter NString(string? value) => value is null ? Nil() : String(value);

    /// <summary>Writes a string value as quoted when its octets allow it, else as a literal.</summary>
    public ImapResponseWriter String(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            Span<byte> buffer = stackalloc byte[max];
            var n = Encoding.UTF8.GetBytes(value, buffer);
            return StringOctets(buffer[..n]);
        }
        return StringOctets(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>
    /// Writes octets as a quoted string when they are printable ASCII (or UTF-8 with <see cref="Utf8"/>)
    /// without CR/LF/NUL, whatever their length; otherwise as a literal. Long values stay quoted as Dovecot
    /// does, because clients cap literals inside structures: MailKit refuses an ENVELOPE or BODYSTRUCTURE
    /// string literal over 4096 octets and drops the connection, so one message with a 5,000-character
    /// subject made a whole folder unreadable.
    /// </summary>
    public ImapResponseWriter StringOctets(ReadOnlySpan<byte> octets)
    {
        if (CanQuote(octets))
        {
            Raw("\""u8);
            var start = 0;
            for (var i = 0; i < octets.Length; i++)
            {
                if (octets[i] is (byte)'"' or (byte)'\\')
                {
                    Raw(octets[start..i]).Raw("\\"u8);
                    start = i;
                }
            }
            return Raw(octets[start..]).Raw("\""u8);
        }
        return Literal(octets);
    }

    /// <summary>Writes a literal <c>{n}</c> CRLF octets.</summary>
    public ImapResponseWriter Literal(ReadOnlySpan<byte> octets)
    {
        Raw("{"u8).Number(octets.Length).Raw("}\r\n"u8);
        return Raw(octets);
    }

    /// <summary>Writes <paramref name="length"/> octets of <paramref name="source"/> as a literal, flushing as it goes.</summary>
    public async ValueTask LiteralAsync(Stream source, long length, CancellationToken cancellationToken)
    {
        Raw("{"u8).Number(length).Raw("}\r\n"u8);
        var remaining = length;
        while (remaining > 0)
        {
            var memory = _writer.GetMemory((int)Math.Min(remaining, 64 * 1024));
            var want = (int)Math.Min(memory.Length, remaining);
            var read = await source.ReadAsync(memory[..want], cancellationToken);
            if (read == 0)
            {
                // The stored file is shorter than its index size: pad so the literal length holds.
                memory.Span[..want].Fill((byte)' ');
                read = want;
            }
            _writer.Advance(read);
            remaining -= read;
            if (Unflushed > 256 * 1024)
            {
                await FlushAsync(cancellationToken);
            }
        }
    }

    /// <summary>Sends everything written so far.</summary>
    /// <exception cref="IOException">The connection failed.</exception>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_pipe is null)
        {
            return;
        }
        var result = await _pipe.FlushAsync(cancellationToken);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new IOException("The connection was closed.");
        }
    }

    private bool CanQuote(ReadOnlySpan<byte> octets)
    {
        var eightBit = false;
        foreach (var b in octets)
        {
            if (b is < 0x20 or 0x7F)
            {
                return false;
            }
            if (b >= 0x80)
            {
                eightBit = true;
            }
        }
        return !eightBit || (Utf8 && System.Text.Unicode.Utf8.IsValid(octets));
    }
}
