namespace Mail.Protocols.Smtp.Wire;

/// <summary>
/// Byte-level scanner of one DATA section as it arrives (RFC 5321 §4.1.1.4, §4.5.2): finds the end
/// of data (only <c>CRLF . CRLF</c>, where the CRLF of the DATA command line counts as the first
/// CRLF so an empty message and a first line of "." work), and checks every octet: a CR not
/// followed by LF or an LF not preceded by CR (SMTP smuggling, RFC 5321 §2.3.8), a line over the
/// line limit, or more octets than the message limit. State carries across reads.
/// </summary>
internal sealed class SmtpDataScanner
{
    // Bytes of "\r\n.\r\n" matched so far; 2 at the start because the DATA line's CRLF precedes the data.
    private int _matched = 2;
    private bool _previousWasCr;
    private long _lineOctets;
    private long _totalOctets;
    private readonly long _maxLineOctets;
    private readonly long _maxMessageOctets;

    public SmtpDataScanner(long maxLineOctets, long maxMessageOctets)
    {
        _maxLineOctets = maxLineOctets;
        _maxMessageOctets = maxMessageOctets;
    }

    /// <summary>The first violation found, or <see cref="SmtpInRejectReason.None"/>.</summary>
    public SmtpInRejectReason Rejection { get; private set; }

    /// <summary>
    /// Octets at the end of what was scanned that form the start of <c>CRLF . CRLF</c> (0–4), or 5 once
    /// the terminator is complete; the first 2 stand for the DATA line's CRLF until data arrives.
    /// </summary>
    public int PartialTerminatorOctets => _matched;

    /// <summary>True once <c>CRLF . CRLF</c> was seen.</summary>
    public bool Complete { get; private set; }

    /// <summary>
    /// Scans <paramref name="data"/> up to the end of data.
    /// </summary>
    /// <param name="data">Next received octets.</param>
    /// <param name="cleanOctets">Octets from the start of <paramref name="data"/> that precede the first violation (all scanned octets when there is none).</param>
    /// <returns>Octets consumed: all of <paramref name="data"/>, or up to and including the terminating <c>.CRLF</c>.</returns>
    public int Scan(ReadOnlySpan<byte> data, out int cleanOctets)
    {
        cleanOctets = -1;
        var i = 0;
        for (; i < data.Length && !Complete; i++)
        {
            var b = data[i];
            if (Rejection == SmtpInRejectReason.None)
            {
                var violation = Check(b);
                if (violation != SmtpInRejectReason.None)
                {
                    Rejection = violation;
                    cleanOctets = i;
                }
            }
            _matched = Advance(_matched, b);
            if (_matched == 5)
            {
                Complete = true;
            }
        }
        if (cleanOctets < 0)
        {
            cleanOctets = Rejection == SmtpInRejectReason.None ? i : 0;
        }
        return i;
    }

    private SmtpInRejectReason Check(byte b)
    {
        _totalOctets++;
        if (_totalOctets > _maxMessageOctets)
        {
            return SmtpInRejectReason.MessageTooBig;
        }
        if (_previousWasCr && b != (byte)'\n')
        {
            return SmtpInRejectReason.BareCarriageReturn;
        }
        if (b == (byte)'\n')
        {
            if (!_previousWasCr)
            {
                return SmtpInRejectReason.BareLineFeed;
            }
            _previousWasCr = false;
            _lineOctets = 0;
            return SmtpInRejectReason.None;
        }
        if (b == (byte)'\r')
        {
            _previousWasCr = true;
            return SmtpInRejectReason.None;
        }
        _lineOctets++;
        return _lineOctets > _maxLineOctets ? SmtpInRejectReason.LineTooLong : SmtpInRejectReason.None;
    }

    // Matcher for "\r\n.\r\n" (KMP transitions written out).
    private static int Advance(int matched, byte b) => (matched, b) switch
    {
        (_, (byte)'\r') when matched != 3 => 1,
        (3, (byte)'\r') => 4,
        (1, (byte)'\n') => 2,
        (2, (byte)'.') => 3,
        (4, (byte)'\n') => 5,
        _ => 0,
    };
}
