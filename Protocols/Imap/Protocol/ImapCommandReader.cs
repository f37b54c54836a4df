using System.Buffers;
using System.Text;

namespace Mail.Protocols.Imap.Protocol;

/// <summary>What <see cref="ImapCommandReader.TryRead"/> produced.</summary>
public enum ImapReadStatus
{
    /// <summary>More input is needed; nothing to reply.</summary>
    NeedMore,

    /// <summary>A complete command (lines and literals) is in <see cref="ImapCommandReader.Command"/>.</summary>
    Command,

    /// <summary>A synchronizing literal was announced within limits: the server must send a continuation (<c>+</c>) and keep reading.</summary>
    ContinuationNeeded,

    /// <summary>The input was refused (<see cref="ImapCommandReader.RejectReason"/>); the reader is ready for the next command.</summary>
    Rejected,

    /// <summary>
    /// An APPEND literal larger than <see cref="ImapLimits.AppendSpoolThresholdOctets"/> was announced within limits
    /// (<see cref="ImapCommandReader.SpoolLength"/> octets, synchronizing when <see cref="ImapCommandReader.SpoolSynchronizing"/>):
    /// the caller sends the continuation if synchronizing, moves the octets from the input to a sink itself, hands the
    /// sink to <see cref="ImapCommandReader.Spooled"/> and calls <see cref="ImapCommandReader.TryRead"/> again for the rest of the command.
    /// </summary>
    SpoolLiteral,
}

/// <summary>
/// A literal of the framed command that is not in <see cref="ImapCommandReader.Command"/>: its octets went to
/// <see cref="Content"/> (a file) while they arrived. <see cref="Offset"/> is where they would start in the command.
/// </summary>
/// <param name="Offset">Offset in the command just after the literal announcement's CRLF.</param>
/// <param name="Length">Octets announced.</param>
/// <param name="Content">Where the octets went; disposed by the reader when the command is done.</param>
public sealed record ImapSpooledLiteral(int Offset, long Length, IDisposable Content);

/// <summary>
/// Frames IMAP commands out of a byte stream (RFC 9051 §2.2, §4.3): a command is one or more
/// CRLF-terminated lines, each but the last ending in a literal announcement <c>{n}</c>
/// (synchronizing) or <c>{n+}</c> (non-synchronizing, RFC 7888) followed by exactly n octets.
/// The literal being read is the reader's state, so input split anywhere (even inside a literal
/// or a CRLF) is handled. The framed command keeps the exact wire octets; <see cref="ImapTokenizer"/> parses them.
/// </summary>
/// <remarks>
/// Limits (<see cref="ImapLimits"/>): a line longer than <see cref="ImapLimits.MaxLineOctets"/> is
/// discarded up to its end and rejected with <see cref="ImapRejectReason.LineTooLong"/>; a literal
/// over <see cref="ImapLimits.MaxLiteralOctets"/> (APPEND: <see cref="ImapLimits.MaxAppendOctets"/>)
/// is rejected before any of it is read. Not thread-safe; one per connection.
/// </remarks>
public sealed class ImapCommandReader
{
    private static readonly byte[] AppendVerb = "APPEND"u8.ToArray();
    /// <summary>Largest non-synchronizing literal a LITERAL- server accepts (RFC 7888 §4), in octets.</summary>
    public const int LiteralMinusMaxOctets = 4096;

    private readonly ImapLimits _limits;
    private readonly bool _literalMinus;
    private readonly ArrayBufferWriter<byte> _command = new(1024);
    private long _literalRemaining;
    private long _discardRemaining;
    private bool _discardingLine;
    private ImapRejectReason _discardReason = ImapRejectReason.LineTooLong;
    private readonly List<ImapSpooledLiteral> _spooled = [];
    private bool _isAppend;
    private long _appendOctets;
    private bool _firstLine = true;
    private byte[] _tag = [];

    /// <param name="limits">Octet limits.</param>
    /// <param name="literalMinus">
    /// LITERAL- instead of LITERAL+ (RFC 7888 §4): a non-synchronizing literal over
    /// <see cref="LiteralMinusMaxOctets"/> is read and discarded with the rest of its command line, then
    /// rejected with <see cref="ImapRejectReason.NonSynchronizingLiteralOverLiteralMinus"/> (<c>BAD [TOOBIG]</c>).
    /// </param>
    public ImapCommandReader(ImapLimits limits, bool literalMinus = false)
    {
        _limits = limits;
        _literalMinus = literalMinus;
    }

    /// <summary>The framed command (valid after <see cref="ImapReadStatus.Command"/> until <see cref="Reset"/>).</summary>
    public ReadOnlyMemory<byte> Command => _command.WrittenMemory;

    /// <summary>Why input was rejected (after <see cref="ImapReadStatus.Rejected"/>).</summary>
    public ImapRejectReason RejectReason { get; private set; }

    /// <summary>The tag of the command being read or rejected (empty when none could be read yet).</summary>
    public ReadOnlySpan<byte> Tag => _tag;

    /// <summary>True while literal octets are being received (used to redact traces).</summary>
    public bool InLiteral => _literalRemaining > 0;

    /// <summary>Octets of literal data announced and not yet received.</summary>
    public long LiteralRemaining => _literalRemaining;

    /// <summary>
    /// Large APPEND literals may be spooled (<see cref="ImapReadStatus.SpoolLiteral"/>); set by the session once a store
    /// can take them (after login). When false every literal is read into <see cref="Command"/>.
    /// </summary>
    public bool SpoolAllowed { get; set; }

    /// <summary>Length of the literal to spool (after <see cref="ImapReadStatus.SpoolLiteral"/>), in octets.</summary>
    public long SpoolLength { get; private set; }

    /// <summary>Whether the literal to spool is synchronizing (the client waits for a continuation).</summary>
    public bool SpoolSynchronizing { get; private set; }

    /// <summary>The literals of the framed command that were spooled, in order (valid until <see cref="Reset"/>).</summary>
    public IReadOnlyList<ImapSpooledLiteral> SpooledLiterals => _spooled;

    /// <summary>
    /// Records where the literal announced by <see cref="ImapReadStatus.SpoolLiteral"/> went. Call it before moving the
    /// octets (so that <see cref="Reset"/> disposes the sink if the connection ends meanwhile); the reader owns it from now on.
    /// </summary>
    public void Spooled(IDisposable content)
    {
        _spooled.Add(new ImapSpooledLiteral(_command.WrittenCount, SpoolLength, content));
        SpoolLength = 0;
    }

    /// <summary>Forgets the current command (call after handling <see cref="ImapReadStatus.Command"/> or <see cref="ImapReadStatus.Rejected"/>).</summary>
    public void Reset()
    {
        _command.ResetWrittenCount();
        if (_command.Capacity > 256 * 1024)
        {
            // Do not keep a large APPEND buffer alive for the life of the connection.
            _command.Clear();
        }
        _literalRemaining = 0;
        _isAppend = false;
        _appendOctets = 0;
        SpoolLength = 0;
        foreach (var spooled in _spooled)
        {
            spooled.Content.Dispose();
        }
        _spooled.Clear();
        _firstLine = true;
        _tag = [];
        RejectReason = ImapRejectReason.None;
    }

    /// <summary>
    /// Reads from <paramref name="buffer"/>. <paramref name="consumed"/> is how far the caller may
    /// advance the pipe, <paramref name="examined"/> how far it has looked (Kestrel style).
    /// </summary>
    public ImapReadStatus TryRead(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out SequencePosition examined)
    {
        var rest = buffer;
        while (true)
        {
            if (_discardRemaining > 0)
            {
                var skip = Math.Min(_discardRemaining, rest.Length);
                rest = rest.Slice(skip);
                _discardRemaining -= skip;
                if (_discardRemaining > 0)
                {
                    consumed = examined = rest.Start;
                    return ImapReadStatus.NeedMore;
                }
                // The literal is gone; what is left of its command line goes too, then the command is refused.
                _discardingLine = true;
                _discardReason = ImapRejectReason.NonSynchronizingLiteralOverLiteralMinus;
                continue;
            }

            if (_literalRemaining > 0)
            {
                var take = (int)Math.Min(_literalRemaining, rest.Length);
                Append(rest.Slice(0, take));
                rest = rest.Slice(take);
                _literalRemaining -= take;
                if (_literalRemaining > 0)
                {
                    consumed = examined = rest.Start;
                    return ImapReadStatus.NeedMore;
                }
                continue;
            }

            var lf = rest.PositionOf((byte)'\n');
            if (_discardingLine)
            {
                if (lf is null)
                {
                    consumed = examined = rest.End;
                    return ImapReadStatus.NeedMore;
                }
                _discardingLine = false;
                consumed = examined = rest.GetPosition(1, lf.Value);
                var discardReason = _discardReason;
                _discardReason = ImapRejectReason.LineTooLong;
                return Reject(discardReason);
            }

            if (lf is null)
            {
                if (rest.Length > _limits.MaxLineOctets)
                {
                    CaptureTag(rest.Slice(0, Math.Min(rest.Length, 64)));
                    _discardingLine = true;
                    consumed = examined = rest.End;
                    return ImapReadStatus.NeedMore;
                }
                consumed = rest.Start;
                examined = rest.End;
                return ImapReadStatus.NeedMore;
            }

            var line = rest.Slice(0, rest.GetPosition(1, lf.Value));
            rest = rest.Slice(line.End);
            if (line.Length > _limits.MaxLineOctets)
            {
                CaptureTag(line.Slice(0, Math.Min(line.Length, 64)));
                consumed = examined = rest.Start;
                return Reject(ImapRejectReason.LineTooLong);
            }
            if (_firstLine)
            {
                InspectFirstLine(line);
                _firstLine = false;
            }
            var lineStart = _command.WrittenCount;
            Append(line);

            // Only the line just read can announce a literal (never the literal data before it).
            var literal = FindLiteral(_command.WrittenSpan[lineStart..], out var nonSynchronizing);
            if (literal < 0)
            {
                if (!_isAppend && _command.WrittenCount > _limits.MaxCommandOctets)
                {
                    consumed = examined = rest.Start;
                    return Reject(ImapRejectReason.CommandTooLong);
                }
                consumed = examined = rest.Start;
                return ImapReadStatus.Command;
            }

            var limit = _isAppend ? _limits.MaxAppendOctets : _limits.MaxLiteralOctets;
            // A MULTIAPPEND (RFC 3502) holds all its messages: together they stay within one APPEND's limit.
            var overCommand = _isAppend
                ? _appendOctets + literal > _limits.MaxAppendOctets || _command.WrittenCount > (long)_limits.MaxAppendOctets + _limits.MaxLineOctets
                : _command.WrittenCount + literal > _limits.MaxCommandOctets;
            if (literal > limit || overCommand)
            {
                consumed = examined = rest.Start;
                return Reject(nonSynchronizing ? ImapRejectReason.NonSynchronizingLiteralTooLarge : ImapRejectReason.LiteralTooLarge);
            }
            if (nonSynchronizing && _literalMinus && literal > LiteralMinusMaxOctets)
            {
                // RFC 7888 §4: the client has sent (or is sending) the octets; skip them and refuse the command.
                _discardRemaining = literal;
                continue;
            }
            if (_isAppend)
            {
                _appendOctets += literal;
                if (SpoolAllowed && literal > _limits.AppendSpoolThresholdOctets)
                {
                    SpoolLength = literal;
                    SpoolSynchronizing = !nonSynchronizing;
                    consumed = examined = rest.Start;
                    return ImapReadStatus.SpoolLiteral;
                }
            }
            _literalRemaining = literal;
            if (!nonSynchronizing && literal > 0)
            {
                consumed = examined = rest.Start;
                return ImapReadStatus.ContinuationNeeded;
            }
        }
    }

    private ImapReadStatus Reject(ImapRejectReason reason)
    {
        var tag = _tag;
        Reset();
        _tag = tag;
        RejectReason = reason;
        return ImapReadStatus.Rejected;
    }

    private void Append(in ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            _command.Write(segment.Span);
        }
    }

    private void CaptureTag(in ReadOnlySequence<byte> start)
    {
        Span<byte> head = stackalloc byte[64];
        var n = (int)Math.Min(start.Length, head.Length);
        start.Slice(0, n).CopyTo(head);
        head = head[..n];
        var end = 0;
        while (end < head.Length && ImapTokenizer.IsTagChar(head[end]))
        {
            end++;
        }
        _tag = head[..end].ToArray();
    }

    private void InspectFirstLine(in ReadOnlySequence<byte> line)
    {
        CaptureTag(line);
        Span<byte> head = stackalloc byte[96];
        var n = (int)Math.Min(line.Length, head.Length);
        line.Slice(0, n).CopyTo(head);
        head = head[..n];
        var pos = _tag.Length;
        if (pos >= head.Length || head[pos] != (byte)' ')
        {
            return;
        }
        pos++;
        var start = pos;
        while (pos < head.Length && ImapTokenizer.IsAtomChar(head[pos]))
        {
            pos++;
        }
        _isAppend = Ascii.EqualsIgnoreCase(head[start..pos], AppendVerb);
    }

    /// <summary>
    /// If the line (ending in LF) ends with <c>{n}</c> or <c>{n+}</c> before its line break, returns n
    /// (and whether it is non-synchronizing), else -1. A number too large to represent yields
    /// <see cref="long.MaxValue"/> so the limit check rejects it.
    /// </summary>
    internal static long FindLiteral(ReadOnlySpan<byte> line, out bool nonSynchronizing)
    {
        nonSynchronizing = false;
        var end = line.Length - 1; // LF
        if (end > 0 && line[end - 1] == (byte)'\r')
        {
            end--;
        }
        if (end < 3 || line[end - 1] != (byte)'}')
        {
            return -1;
        }
        var i = end - 2;
        if (line[i] == (byte)'+')
        {
            nonSynchronizing = true;
            i--;
        }
        var digitsEnd = i + 1;
        while (i >= 0 && line[i] >= (byte)'0' && line[i] <= (byte)'9')
        {
            i--;
        }
        if (i < 0 || line[i] != (byte)'{' || i + 1 == digitsEnd)
        {
            return -1;
        }
        long value = 0;
        foreach (var b in line[(i + 1)..digitsEnd])
        {
            if (value > (long.MaxValue - 9) / 10)
            {
                return long.MaxValue;
            }
            value = (value * 10) + (b - '0');
        }
        return value;
    }
}
