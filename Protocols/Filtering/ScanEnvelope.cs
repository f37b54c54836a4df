using System.Net;

namespace Mail.Protocols.Filtering;

/// <summary>
/// The SMTP envelope of a scanned message, for scanners that take it (rspamd's <c>IP</c>/<c>From</c>/<c>Rcpt</c>
/// request headers, the milter's connect/helo/mail/rcpt steps). Set by SMTP-in on <see cref="ScanMessage.Envelope"/>.
/// </summary>
/// <param name="Client">The client's address and port.</param>
/// <param name="HeloName">The EHLO/HELO argument, or null when none was given.</param>
/// <param name="Sender">The MAIL FROM address, empty for the null reverse-path.</param>
/// <param name="Recipients">The accepted RCPT TO addresses, in order.</param>
/// <param name="QueueId">The SMTP-in queue id.</param>
/// <param name="AuthenticatedUser">The SASL user on Submission, else null.</param>
/// <param name="ServerName">This node's host name (the milter macro <c>j</c>).</param>
public sealed record ScanEnvelope(
    IPEndPoint Client,
    string? HeloName,
    string Sender,
    IReadOnlyList<string> Recipients,
    string QueueId,
    string? AuthenticatedUser,
    string ServerName);
