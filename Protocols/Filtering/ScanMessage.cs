using System.Buffers;
using System.Text;

namespace Mail.Protocols.Filtering;

/// <summary>
/// The message as the scanners see it: the trace fields SMTP-in prepends (Return-Path, Received)
/// followed by the received octets, held as a few pieces of memory that are never copied. Safe to
/// read from several scanners at once (reading keeps no cursor here).
/// </summary>
/// <remarks>Valid only while the underlying memory is (SmtpServer's buffer lives until the DATA reply).</remarks>
public sealed class ScanMessage
{
    private readonly ReadOnlySequence<byte>[] _parts;

    /// <summary>Wraps <paramref name="parts"/>, read one after the other.</summary>
    public ScanMessage(params ReadOnlySequence<byte>[] parts)
    {
        _parts = parts;
        Length = parts.Sum(p => p.Length);
    }

    /// <summary>Total size in octets.</summary>
    public long Length { get; }

    /// <summary>The SMTP envelope, when the caller knows it (SMTP-in and Submission set it); null in unit tests.</summary>
    public ScanEnvelope? Envelope { get; init; }

    /// <summary>The message octets in order, at most <paramref name="maxOctets"/> of them.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Segments(long maxOctets = long.MaxValue)
    {
        var left = maxOctets;
        foreach (var part in _parts)
        {
            foreach (var segment in part)
            {
                if (left <= 0)
                {
                    yield break;
                }
                var take = (int)Math.Min(segment.Length, left);
                left -= take;
                yield return segment[..take];
            }
        }
    }

    /// <summary>A new read-only stream over the whole message (each caller gets its own position).</summary>
    public Stream OpenRead()
    {
        var buffer = new MemoryStream(checked((int)Length));
        foreach (var segment in Segments())
        {
            buffer.Write(segment.Span);
        }
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>Writes the first <paramref name="maxOctets"/> octets (all by default) to <paramref name="destination"/>.</summary>
    public async Task WriteToAsync(Stream destination, long maxOctets, CancellationToken cancellationToken)
    {
        foreach (var segment in Segments(maxOctets))
        {
            await destination.WriteAsync(segment, cancellationToken);
        }
    }

    /// <summary>
    /// The unfolded value of the first header field named <paramref name="name"/>, looking only at the
    /// first <paramref name="maxOctets"/> octets of the header (so a message with 100,000 fields costs
    /// no more than that), decoded as Latin-1 (raw, no RFC 2047 decoding), at most 998 characters.
    /// </summary>
    public string? FirstHeader(string name, int maxOctets = 64 * 1024)
    {
        var head = new byte[(int)Math.Min(Length, maxOctets)];
        var at = 0;
        foreach (var segment in Segments(head.Length))
        {
            segment.Span.CopyTo(head.AsSpan(at));
            at += segment.Length;
        }
        var text = Encoding.Latin1.GetString(head);
        var prefix = name + ":";
        var lineStart = 0;
        while (lineStart < text.Length)
        {
            var end = text.IndexOf("\r\n", lineStart, StringComparison.Ordinal);
            if (end < 0 || end == lineStart)
            {
                return null;
            }
            if (string.Compare(text, lineStart, prefix, 0, prefix.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                var value = new StringBuilder(text, lineStart + prefix.Length, end - lineStart - prefix.Length, 256);
                // Unfold continuation lines (RFC 5322 §2.2.3).
                while (end + 2 < text.Length && text[end + 2] is ' ' or '\t' && value.Length < 998)
                {
                    var next = text.IndexOf("\r\n", end + 2, StringComparison.Ordinal);
                    if (next < 0)
                    {
                        break;
                    }
                    value.Append(text, end + 2, next - end - 2);
                    end = next;
                }
                var result = value.ToString().Trim();
                return result.Length > 998 ? result[..998] : result;
            }
            lineStart = end + 2;
        }
        return null;
    }
}
