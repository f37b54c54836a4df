using SmtpServer.Protocol;

namespace Mail.Protocols.Smtp;

/// <summary>
/// Every reply SMTP-in produces itself, with its RFC 3463 enhanced status code (RFC 2034).
/// Replies produced by SmtpServer get their enhanced codes from <c>Wire.SmtpReplyRewriter</c>.
/// </summary>
internal static class SmtpInReplies
{
    public static SmtpResponse UnknownUser(string address) => new((SmtpReplyCode)550, $"5.1.1 <{address}>: Recipient address rejected: User unknown");

    public static SmtpResponse RelayDenied(string address) => new((SmtpReplyCode)554, $"5.7.1 <{address}>: Relay access denied");

    public static SmtpResponse LookupFailed(string address) => new((SmtpReplyCode)451, $"4.3.0 <{address}>: Temporary lookup failure");

    /// <summary>
    /// The directory cannot answer for <paramref name="address"/> (master and replicas down, nothing cached):
    /// <c>451 4.4.3</c>, RFC 3463 "directory server failure", so the sender retries instead of bouncing.
    /// </summary>
    public static SmtpResponse DirectoryUnavailable(string address) => new((SmtpReplyCode)451, $"4.4.3 <{address}>: Directory server unavailable, try again later");

    public static SmtpResponse TooManyRecipients { get; } = new((SmtpReplyCode)452, "4.5.3 Error: too many recipients");

    public static SmtpResponse Queued(string id) => new((SmtpReplyCode)250, $"2.0.0 Ok: queued as {id}");

    public static SmtpResponse OverQuota { get; } = new((SmtpReplyCode)452, "4.2.2 Mailbox full");

    public static SmtpResponse TooBigForMailbox { get; } = new((SmtpReplyCode)552, "5.3.4 Message too big for mailbox");

    public static SmtpResponse StoreFailed { get; } = new((SmtpReplyCode)451, "4.3.0 Error: local delivery failed, try again later");

    public static SmtpResponse NoRecipients { get; } = new((SmtpReplyCode)554, "5.5.1 Error: no valid recipients");

    /// <summary>
    /// The DATA reply for a scan-stage refusal: <c>554 5.7.1</c> virus, <c>550 5.7.1</c> spam over the
    /// reject score, <c>451 4.7.1</c> a scanner failed under the tempfail policy (RFC 3463 §3.8); a milter's own
    /// reply (SMFIR_REPLYCODE, already checked to be 4xx/5xx printable ASCII) when it asked for one.
    /// </summary>
    public static SmtpResponse ForVerdict(Filtering.FilterVerdict verdict) => verdict.Action switch
    {
        Filtering.FilterAction.RejectSpam or Filtering.FilterAction.Tempfail when verdict.Reply is { Length: > 4 } own && own[3] == ' ' &&
            int.TryParse(own.AsSpan(0, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) =>
            new((SmtpReplyCode)code, own[4..]),
        Filtering.FilterAction.RejectVirus => new((SmtpReplyCode)554, $"5.7.1 Error: message content rejected: virus found ({verdict.Reason})"),
        Filtering.FilterAction.RejectSpam => new((SmtpReplyCode)550, $"5.7.1 Error: message content rejected as spam ({verdict.Reason})"),
        Filtering.FilterAction.Tempfail => new((SmtpReplyCode)451, "4.7.1 Error: content scanning temporarily unavailable, try again later"),
        Filtering.FilterAction.Deliver or Filtering.FilterAction.Junk => StoreFailed,
        _ => StoreFailed,
    };

    /// <summary>
    /// The reply for a block-stage hit (Postfix's texts): <c>450 4.7.1</c> for every tempfail
    /// (greylisting: <c>451 4.7.1</c>), else <c>504 5.5.2</c> HELO/sender syntax, <c>554 5.7.1</c> DNSBL,
    /// SPF <c>550 5.7.23</c> fail / <c>550 5.7.24</c> permerror / <c>451 4.7.24</c> temperror (RFC 7372 §3.2).
    /// </summary>
    public static SmtpResponse ForBlock(Filtering.Block.BlockDecision hit, System.Net.IPAddress client)
    {
        var ip = (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();
        var temporary = hit.Action == Filtering.Block.CheckAction.Tempfail;
        var (code, status) = temporary ? (450, "4.7.1") : (0, "");
        return hit.Check switch
        {
            Filtering.Block.BlockCheck.Greylist => new((SmtpReplyCode)451, $"4.7.1 <{hit.Detail}>: Recipient address rejected: Greylisted, try again later"),
            Filtering.Block.BlockCheck.MessageRate => new((SmtpReplyCode)450, $"4.7.1 Error: too much mail from {ip}"),
            Filtering.Block.BlockCheck.ConnectionRate => new((SmtpReplyCode)421, $"4.7.0 Error: too many connections from {ip}"),
            Filtering.Block.BlockCheck.Helo => new((SmtpReplyCode)(temporary ? code : 504), $"{(temporary ? status : "5.5.2")} <{hit.Detail}>: Helo command rejected: need a valid hostname"),
            Filtering.Block.BlockCheck.Sender => new((SmtpReplyCode)(temporary ? code : 504), $"{(temporary ? status : "5.5.2")} <{hit.Detail}>: Sender address rejected: need fully-qualified address"),
            Filtering.Block.BlockCheck.Spf when hit.Detail == "temperror" => new((SmtpReplyCode)451, "4.7.24 Error: SPF temporary error, try again later"),
            Filtering.Block.BlockCheck.Spf when hit.Detail == "permerror" => new((SmtpReplyCode)(temporary ? 451 : 550), $"{(temporary ? "4.7.24" : "5.7.24")} Error: SPF record of the sender domain is invalid"),
            Filtering.Block.BlockCheck.Spf => new((SmtpReplyCode)(temporary ? 451 : 550), $"{(temporary ? "4.7.23" : "5.7.23")} Error: SPF check failed ({hit.Detail})"),
            Filtering.Block.BlockCheck.Dnsbl => new((SmtpReplyCode)(temporary ? code : 554), $"{(temporary ? status : "5.7.1")} Service unavailable; client host [{ip}] blocked using {hit.Detail}"),
            _ => StoreFailed,
        };
    }

    /// <summary>The DATA reply for a rejection found by the wire guard.</summary>
    public static SmtpResponse ForData(SmtpInRejectReason reason, SmtpInOptions options) => reason switch
    {
        SmtpInRejectReason.LineTooLong => new((SmtpReplyCode)552, $"5.3.4 Error: message line longer than {options.MaxLineOctets} octets"),
        SmtpInRejectReason.MessageTooBig => new((SmtpReplyCode)552, "5.3.4 Error: message size exceeds fixed limit"),
        SmtpInRejectReason.BareCarriageReturn => new((SmtpReplyCode)554, "5.6.0 Error: bare <CR> received in message data"),
        SmtpInRejectReason.BareLineFeed => new((SmtpReplyCode)554, "5.6.0 Error: bare <LF> received in message data"),
        SmtpInRejectReason.CommandLineTooLong or SmtpInRejectReason.None => StoreFailed,
        _ => StoreFailed,
    };

    /// <summary>Reply lines the wire guard writes itself (CRLF included).</summary>
    public static class Wire
    {
        public static string CommandTooLong => "500 5.5.2 Error: command line too long\r\n";

        public static string BareLineFeedInCommand => "500 5.5.2 Error: bare <LF> received\r\n";

        public static string NotImplemented => "502 5.5.1 Error: command not implemented\r\n";

        public static string IdleTimeout(string host) => $"421 4.4.2 {host} Error: timeout exceeded\r\n";

        public static string TooManyErrors(string host) => $"421 4.7.0 {host} Error: too many errors\r\n";

        public static string TooManyConnections(string host, string ip) => $"421 4.7.0 {host} Error: too many connections from {ip}\r\n";

        /// <summary>A new connection while the node drains (<see cref="SmtpInDrain"/>): RFC 3463 4.3.2, system not accepting network messages.</summary>
        public static string ShuttingDown(string host) => $"421 4.3.2 {host} Service shutting down, try again later\r\n";
    }
}
