namespace Mail.Protocols.Filtering.Milter;

/// <summary>
/// Constants of the milter protocol version 6 (Sendmail's libmilter <c>mfdef.h</c>, as spoken by Postfix and
/// Sendmail 8.14+). Every packet is a 4-octet big-endian length (counting the command octet), one command
/// octet and its data; strings are NUL-terminated.
/// </summary>
internal static class MilterProtocol
{
    /// <summary>The protocol version we offer.</summary>
    public const uint ProtocolVersion = 6;

    /// <summary>Largest body chunk (libmilter's MILTER_CHUNK_SIZE).</summary>
    public const int ChunkOctets = 65535;

    // MTA → milter commands (SMFIC_*).
    public const byte Abort = (byte)'A';
    public const byte Body = (byte)'B';
    public const byte Connect = (byte)'C';
    public const byte Macro = (byte)'D';
    public const byte BodyEob = (byte)'E';
    public const byte Helo = (byte)'H';
    public const byte Header = (byte)'L';
    public const byte MailFrom = (byte)'M';
    public const byte Eoh = (byte)'N';
    public const byte OptNeg = (byte)'O';
    public const byte Quit = (byte)'Q';
    public const byte Rcpt = (byte)'R';
    public const byte Data = (byte)'T';

    // Milter → MTA replies (SMFIR_*).
    public const byte AddRcpt = (byte)'+';
    public const byte DelRcpt = (byte)'-';
    public const byte AddRcptPar = (byte)'2';
    public const byte Shutdown = (byte)'4';
    public const byte Accept = (byte)'a';
    public const byte ReplBody = (byte)'b';
    public const byte Continue = (byte)'c';
    public const byte Discard = (byte)'d';
    public const byte ChgFrom = (byte)'e';
    public const byte ConnFail = (byte)'f';
    public const byte AddHeader = (byte)'h';
    public const byte InsHeader = (byte)'i';
    public const byte SetSymList = (byte)'l';
    public const byte ChgHeader = (byte)'m';
    public const byte Progress = (byte)'p';
    public const byte Quarantine = (byte)'q';
    public const byte Reject = (byte)'r';
    public const byte Skip = (byte)'s';
    public const byte TempFail = (byte)'t';
    public const byte ReplyCode = (byte)'y';

    /// <summary>Actions we offer (SMFIF_*): add headers 0x01, change body 0x02, change/delete headers 0x10, quarantine 0x20.
    /// Not offered: recipient and sender changes (the envelope is fixed once RCPT was answered).</summary>
    public const uint OfferedActions = 0x01 | 0x02 | 0x10 | 0x20;

    // Protocol step flags (SMFIP_*).
    public const uint NoConnect = 0x1;
    public const uint NoHelo = 0x2;
    public const uint NoMail = 0x4;
    public const uint NoRcpt = 0x8;
    public const uint NoBody = 0x10;
    public const uint NoHeaders = 0x20;
    public const uint NoEoh = 0x40;
    public const uint NoReplyHeader = 0x80;
    public const uint NoUnknown = 0x100;
    public const uint NoData = 0x200;
    public const uint SkipSupported = 0x400;
    public const uint NoReplyConnect = 0x1000;
    public const uint NoReplyHelo = 0x2000;
    public const uint NoReplyMail = 0x4000;
    public const uint NoReplyRcpt = 0x8000;
    public const uint NoReplyData = 0x10000;
    public const uint NoReplyUnknown = 0x20000;
    public const uint NoReplyEoh = 0x40000;
    public const uint NoReplyBody = 0x80000;

    /// <summary>Every step flag we can honour (the milter may ask for any subset). Not offered: SMFIP_HDR_LEADSPC and the
    /// larger body chunks (MDS_256K/1M).</summary>
    public const uint OfferedProtocol = NoConnect | NoHelo | NoMail | NoRcpt | NoBody | NoHeaders | NoEoh | NoReplyHeader |
        NoUnknown | NoData | SkipSupported | NoReplyConnect | NoReplyHelo | NoReplyMail | NoReplyRcpt | NoReplyData |
        NoReplyUnknown | NoReplyEoh | NoReplyBody;
}
