using System.Text;

namespace Mail.Protocols.Imap.Protocol;

/// <summary>
/// Reads the tokens of one framed IMAP command (RFC 9051 §9 formal syntax) from its wire octets:
/// atoms, numbers, quoted strings, literals (<c>{n}</c>/<c>{n+}</c> CRLF octets), lists and
/// sequence sets. Every method returns false on a syntax error and leaves a message in
/// <see cref="Error"/> (and the reason in <see cref="Reason"/>); nothing throws on client input.
/// </summary>
/// <remarks>
/// Strings are decoded to <see cref="string"/> only where they become model values (mailbox
/// names, user names, search strings); message literals stay octets (<see cref="TryReadStringOctets"/>).
/// Quoted strings accept 8-bit UTF-8 (RFC 9051 allows it in IMAP4rev2 / UTF8=ACCEPT).
/// </remarks>
public ref struct ImapTokenizer
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private readonly int _maxDepth;
    private readonly IReadOnlyList<ImapSpooledLiteral>? _spooled;
    private int _pos;
    private int _depth;

    /// <param name="command">The framed command's octets.</param>
    /// <param name="maxNestingDepth">Deepest parenthesized nesting accepted.</param>
    /// <param name="spooled">Literals of the command that were spooled instead of framed (<see cref="ImapCommandReader.SpooledLiterals"/>).</param>
    public ImapTokenizer(ReadOnlyMemory<byte> command, int maxNestingDepth, IReadOnlyList<ImapSpooledLiteral>? spooled = null)
    {
        _spooled = spooled;
        _memory = command;
        _span = command.Span;
        _maxDepth = maxNestingDepth;
        _pos = 0;
        _depth = 0;
        Error = null;
        Reason = ImapRejectReason.None;
    }

    /// <summary>Message of the last syntax error (for the BAD reply).</summary>
    public string? Error { get; private set; }

    /// <summary>Reason of the last error.</summary>
    public ImapRejectReason Reason { get; private set; }

    /// <summary>Current offset in the command.</summary>
    public readonly int Position => _pos;

    /// <summary>The next octet, or -1 at the end of the command.</summary>
    public readonly int Peek() => _pos < _span.Length ? _span[_pos] : -1;

    /// <summary>The octet <paramref name="offset"/> positions ahead, or -1.</summary>
    public readonly int PeekAt(int offset) => _pos + offset < _span.Length ? _span[_pos + offset] : -1;

    /// <summary>True when only the final CRLF (or LF) remains.</summary>
    public readonly bool AtEndOfLine => _pos >= _span.Length || _span[_pos] == (byte)'\r' || _span[_pos] == (byte)'\n';

    /// <summary>Records a syntax error and returns false.</summary>
    public bool Fail(string message, ImapRejectReason reason = ImapRejectReason.BadSyntax)
    {
        Error ??= message;
        if (Reason == ImapRejectReason.None)
        {
            Reason = reason;
        }
        return false;
    }

    /// <summary>Consumes <paramref name="b"/> if it is next.</summary>
    public bool TryConsume(byte b)
    {
        if (_pos < _span.Length && _span[_pos] == b)
        {
            _pos++;
            return true;
        }
        return false;
    }

    /// <summary>Consumes one SP or fails.</summary>
    public bool Space() => TryConsume((byte)' ') || Fail("Expected a space");

    /// <summary>Consumes the final line break; fails if anything else remains.</summary>
    public bool End()
    {
        if (_pos < _span.Length && _span[_pos] == (byte)'\r')
        {
            _pos++;
        }
        if (_pos < _span.Length && _span[_pos] == (byte)'\n')
        {
            _pos++;
        }
        return _pos == _span.Length || Fail("Unexpected characters at the end of the command");
    }

    /// <summary>Consumes a case-insensitive ASCII keyword when it is next and not followed by an atom character.</summary>
    public bool TryKeyword(ReadOnlySpan<byte> keyword)
    {
        if (_span.Length - _pos < keyword.Length || !Ascii.EqualsIgnoreCase(_span.Slice(_pos, keyword.Length), keyword))
        {
            return false;
        }
        var next = _pos + keyword.Length;
        if (next < _span.Length && IsAtomChar(_span[next]) && _span[next] != (byte)'[' && _span[next] != (byte)'.' && _span[next] != (byte)'<')
        {
            return false;
        }
        _pos = next;
        return true;
    }

    /// <summary>Enters a parenthesized list, enforcing <see cref="ImapLimits.MaxNestingDepth"/>.</summary>
    public bool TryOpenList()
    {
        if (!TryConsume((byte)'('))
        {
            return false;
        }
        _depth++;
        return _depth <= _maxDepth || Fail("Too deeply nested", ImapRejectReason.NestingTooDeep);
    }

    /// <summary>Leaves a parenthesized list if <c>)</c> is next.</summary>
    public bool TryCloseList()
    {
        if (!TryConsume((byte)')'))
        {
            return false;
        }
        _depth--;
        return true;
    }

    /// <summary>True while a nesting error has been recorded.</summary>
    public readonly bool HasError => Error is not null;

    /// <summary>Reads a tag (RFC 9051 <c>tag</c>).</summary>
    public bool TryReadTag(out ReadOnlySpan<byte> tag)
    {
        var start = _pos;
        while (_pos < _span.Length && IsTagChar(_span[_pos]))
        {
            _pos++;
        }
        tag = _span[start.._pos];
        return tag.Length > 0 || Fail("Missing tag");
    }

    /// <summary>Reads an atom (1*ATOM-CHAR).</summary>
    public bool TryReadAtom(out ReadOnlySpan<byte> atom)
    {
        var start = _pos;
        while (_pos < _span.Length && IsAtomChar(_span[_pos]))
        {
            _pos++;
        }
        atom = _span[start.._pos];
        return atom.Length > 0 || Fail("Expected an atom");
    }

    /// <summary>Reads the characters of a fetch/search keyword: letters, digits, '.', '-' and '_' (stops at '[' and '&lt;').</summary>
    public bool TryReadWord(out ReadOnlySpan<byte> word)
    {
        var start = _pos;
        while (_pos < _span.Length && (char.IsAsciiLetterOrDigit((char)_span[_pos]) || _span[_pos] is (byte)'.' or (byte)'-' or (byte)'_' or (byte)'\\' or (byte)'$'))
        {
            _pos++;
        }
        word = _span[start.._pos];
        return word.Length > 0 || Fail("Expected a keyword");
    }

    /// <summary>Reads a non-negative number (RFC 9051 <c>number</c> / <c>number64</c>).</summary>
    public bool TryReadNumber(out long value)
    {
        value = 0;
        var start = _pos;
        while (_pos < _span.Length && char.IsAsciiDigit((char)_span[_pos]))
        {
            if (value > (long.MaxValue - 9) / 10)
            {
                return Fail("Number too large");
            }
            value = (value * 10) + (_span[_pos] - '0');
            _pos++;
        }
        return _pos > start || Fail("Expected a number");
    }

    /// <summary>Reads a 32-bit unsigned number (<c>number</c>).</summary>
    public bool TryReadUInt32(out uint value)
    {
        value = 0;
        if (!TryReadNumber(out var n))
        {
            return false;
        }
        if (n > uint.MaxValue)
        {
            return Fail("Number too large");
        }
        value = (uint)n;
        return true;
    }

    /// <summary>Reads an <c>astring</c> (atom, quoted or literal) and decodes it as UTF-8.</summary>
    public bool TryReadAString(out string value)
    {
        value = "";
        if (!TryReadAStringOctets(out var octets))
        {
            return false;
        }
        value = Decode(octets);
        return true;
    }

    /// <summary>Reads a <c>string</c> (quoted or literal) and decodes it as UTF-8.</summary>
    public bool TryReadString(out string value)
    {
        value = "";
        if (!TryReadStringOctets(out var octets))
        {
            return false;
        }
        value = Decode(octets.Span);
        return true;
    }

    /// <summary>Reads an <c>nstring</c>: NIL gives null.</summary>
    public bool TryReadNString(out string? value)
    {
        if (TryKeyword("NIL"u8))
        {
            value = null;
            return true;
        }
        var ok = TryReadString(out var s);
        value = s;
        return ok;
    }

    /// <summary>Reads an astring's octets (quoted strings unescaped into a copy).</summary>
    public bool TryReadAStringOctets(out ReadOnlySpan<byte> octets)
    {
        var c = Peek();
        if (c is '"' or '{' || (c == '~' && _pos + 1 < _span.Length && _span[_pos + 1] == (byte)'{'))
        {
            var ok = TryReadStringOctets(out var m);
            octets = m.Span;
            return ok;
        }
        var start = _pos;
        while (_pos < _span.Length && IsAStringChar(_span[_pos]))
        {
            _pos++;
        }
        octets = _span[start.._pos];
        return octets.Length > 0 || Fail("Expected a string");
    }

    /// <summary>Reads a <c>list-mailbox</c> (LIST pattern): like astring but also allows <c>%</c> and <c>*</c>.</summary>
    public bool TryReadListMailbox(out string value)
    {
        value = "";
        var c = Peek();
        if (c is '"' or '{')
        {
            return TryReadString(out value);
        }
        var start = _pos;
        while (_pos < _span.Length && (IsAStringChar(_span[_pos]) || _span[_pos] is (byte)'%' or (byte)'*'))
        {
            _pos++;
        }
        if (_pos == start)
        {
            return Fail("Expected a mailbox pattern");
        }
        value = Decode(_span[start.._pos]);
        return true;
    }

    /// <summary>
    /// Reads a <c>string</c>: a quoted string (unescaped) or a literal <c>{n}</c>/<c>{n+}</c> CRLF octets
    /// (also <c>~{n}</c>, RFC 3516 literal8). The result of a literal is a slice of the command.
    /// </summary>
    public bool TryReadStringOctets(out ReadOnlyMemory<byte> octets) => TryReadStringOrSpooled(out octets, out _, allowSpooled: false);

    /// <summary>
    /// Reads a message literal (APPEND): like <see cref="TryReadStringOctets(out ReadOnlyMemory{byte})"/>, but a literal
    /// that was spooled (<see cref="ImapSpooledLiteral"/>) gives its <paramref name="spooled"/> record and empty octets.
    /// </summary>
    public bool TryReadMessageLiteral(out ReadOnlyMemory<byte> octets, out ImapSpooledLiteral? spooled) =>
        TryReadStringOrSpooled(out octets, out spooled, allowSpooled: true);

    private bool TryReadStringOrSpooled(out ReadOnlyMemory<byte> octets, out ImapSpooledLiteral? spooled, bool allowSpooled)
    {
        octets = default;
        spooled = null;
        if (TryConsume((byte)'"'))
        {
            var start = _pos;
            var escaped = false;
            while (_pos < _span.Length)
            {
                var b = _span[_pos];
                if (b == (byte)'"')
                {
                    break;
                }
                if (b is (byte)'\r' or (byte)'\n' or 0)
                {
                    return Fail("Invalid character in quoted string", ImapRejectReason.InvalidCharacter);
                }
                if (b == (byte)'\\')
                {
                    escaped = true;
                    _pos++;
                    if (_pos >= _span.Length || _span[_pos] is not ((byte)'"' or (byte)'\\'))
                    {
                        return Fail("Invalid escape in quoted string");
                    }
                }
                _pos++;
            }
            if (_pos >= _span.Length)
            {
                return Fail("Unterminated quoted string");
            }
            var raw = _memory[start.._pos];
            _pos++; // closing quote
            if (!escaped)
            {
                octets = raw;
                return true;
            }
            var copy = new byte[raw.Length];
            var n = 0;
            var rs = raw.Span;
            for (var i = 0; i < rs.Length; i++)
            {
                if (rs[i] == (byte)'\\')
                {
                    i++;
                }
                copy[n++] = rs[i];
            }
            octets = copy.AsMemory(0, n);
            return true;
        }

        var literal8 = TryConsume((byte)'~');
        if (!TryConsume((byte)'{'))
        {
            return Fail(literal8 ? "Expected a literal" : "Expected a string");
        }
        if (!TryReadNumber(out var length))
        {
            return false;
        }
        TryConsume((byte)'+');
        if (!TryConsume((byte)'}'))
        {
            return Fail("Malformed literal");
        }
        TryConsume((byte)'\r');
        if (!TryConsume((byte)'\n'))
        {
            return Fail("Literal announcement must end the line");
        }
        if (_spooled is not null)
        {
            foreach (var literal in _spooled)
            {
                if (literal.Offset == _pos)
                {
                    // Its octets are not in the command: the next token follows the announcement directly.
                    spooled = literal;
                    return allowSpooled || Fail("Literal too large here");
                }
            }
        }
        if (_span.Length - _pos < length)
        {
            return Fail("Truncated literal");
        }
        octets = _memory.Slice(_pos, (int)length);
        _pos += (int)length;
        return true;
    }

    /// <summary>Reads a <c>sequence-set</c> (RFC 9051 §9: numbers, <c>*</c>, ranges, commas).</summary>
    public bool TryReadSequenceSet(out ImapSequenceSet set)
    {
        if (TryConsume((byte)'$'))
        {
            set = ImapSequenceSet.Saved;
            return true;
        }
        set = default!;
        var ranges = new List<ImapSequenceRange>();
        while (true)
        {
            if (!TryReadSeqNumber(out var first))
            {
                return false;
            }
            var last = first;
            if (TryConsume((byte)':') && !TryReadSeqNumber(out last))
            {
                return false;
            }
            ranges.Add(new ImapSequenceRange(first, last));
            if (!TryConsume((byte)','))
            {
                break;
            }
        }
        set = new ImapSequenceSet(ranges);
        return true;
    }

    /// <summary>True when a sequence set can start here (a digit or <c>*</c>).</summary>
    public readonly bool AtSequenceSet => Peek() is '*' or '$' or (>= '0' and <= '9');

    private bool TryReadSeqNumber(out uint value)
    {
        value = 0;
        if (TryConsume((byte)'*'))
        {
            value = ImapSequenceRange.Star;
            return true;
        }
        if (!TryReadUInt32(out value))
        {
            return false;
        }
        return value != 0 || Fail("Sequence numbers start at 1");
    }

    /// <summary>Decodes octets as UTF-8 (invalid sequences become U+FFFD).</summary>
    public static string Decode(ReadOnlySpan<byte> octets) => Encoding.UTF8.GetString(octets);

    /// <summary>ATOM-CHAR: any CHAR except atom-specials (RFC 9051 §9).</summary>
    public static bool IsAtomChar(byte b) =>
        b > 0x20 && b < 0x7F && b is not ((byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)']');

    /// <summary>ASTRING-CHAR: ATOM-CHAR or <c>]</c>.</summary>
    public static bool IsAStringChar(byte b) => IsAtomChar(b) || b == (byte)']';

    /// <summary>Tag characters: ASTRING-CHAR except <c>+</c>.</summary>
    public static bool IsTagChar(byte b) => IsAStringChar(b) && b != (byte)'+';
}
