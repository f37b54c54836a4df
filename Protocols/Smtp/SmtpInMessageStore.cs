using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Quarantine;
using Mail.Protocols.Smtp.Forwarding;
using Mail.Protocols.Store;
using Microsoft.Extensions.Logging;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Mail.Protocols.Smtp;

/// <summary>
/// End of DATA: prepends Return-Path and Received to the exact received octets and delivers them
/// once, through <see cref="IMailStore.DeliverAsync(IReadOnlyList{string}, Stream, DateTimeOffset, DeliveryTarget, CancellationToken)"/>, to every distinct account the accepted
/// recipients resolved to. The reply is sent only after the store returned, i.e. after the message
/// is durable ("a 250 is a promise", DESIGN.md).
/// </summary>
/// <remarks>
/// SmtpServer hands over the octets between the DATA line and CRLF.CRLF, dot-unstuffed, without
/// the final CRLF; the wire guard put one CRLF in front (see <see cref="Wire.SmtpWireGuard"/>).
/// So the message is <c>buffer[2..] + CRLF</c>, or nothing at all for an empty DATA.
/// Replies: <c>250 2.0.0</c> when every account got the message, or when some did (the others
/// are logged: there is no bounce path until the Outbound tier exists); when none did, the first
/// refusal: <c>452 4.2.2</c> over quota, <c>552 5.3.4</c> too big; <c>451 4.3.0</c> on I/O errors;
/// the guard's DATA refusals (<see cref="SmtpInReplies.ForData"/>) store nothing.
/// Between the trace fields and delivery runs the scan stage (<see cref="MessageScanPipeline"/>):
/// its refusals (<c>554 5.7.1</c> virus, <c>550 5.7.1</c> spam, <c>451 4.7.1</c> scanner failure)
/// store nothing and generate no bounce; delivered messages get its header fields between
/// Return-Path and Received and go to INBOX or Junk; every verdict is recorded in <see cref="IVerdictStore"/>.
/// Recipients whose domain quarantines (<see cref="QuarantinePolicy"/>: a virus, or spam from the domain's quarantine
/// score) get the message, with the verdict's header fields, in the quarantine (<see cref="IQuarantineStore"/>) instead:
/// the reply is <c>250 2.0.0</c> once the quarantine copy is durable (Postfix + amavisd-new's accept-and-quarantine: the
/// sender learns nothing, the user can release it; when the copy cannot be written, <c>451 4.3.0</c> and nothing is kept).
/// Other recipients of the same message get their usual verdict; their refusal is recorded, not sent (one reply per message).
/// Recipients that forward (<see cref="SmtpInConnection.Forwards"/>) get the same octets without Return-Path queued
/// once through <see cref="MailForwarder.ForwardAsync"/> (sender rewritten by SRS), before the mailboxes; a forward that
/// cannot be queued is <c>451 4.3.0</c> with nothing stored.
/// </remarks>
internal sealed class SmtpInMessageStore : IMessageStore
{
    private static readonly byte[] CrlfBytes = "\r\n"u8.ToArray();

    private readonly IMailStore _store;
    private readonly MailForwarder _forwarder;
    private readonly MessageScanPipeline _filters;
    private readonly RecipientStage _recipients;
    private readonly IVerdictStore _verdicts;
    private readonly QuarantinePolicy _quarantinePolicy;
    private readonly IQuarantineStore _quarantine;
    private readonly FilterOptions _filterOptions;
    private readonly SmtpInOptions _options;
    private readonly string _host;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SmtpInMessageStore(IMailStore store, MailForwarder forwarder, MessageScanPipeline filters, RecipientStage recipients, IVerdictStore verdicts, (QuarantinePolicy Policy, IQuarantineStore Store) quarantine, FilterOptions filterOptions, SmtpInOptions options, string host, TimeProvider time, ILogger logger)
    {
        (_quarantinePolicy, _quarantine) = quarantine;
        _store = store;
        _forwarder = forwarder;
        _filters = filters;
        _recipients = recipients;
        _verdicts = verdicts;
        _filterOptions = filterOptions;
        _options = options;
        _host = host;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var connection = SmtpInSessionState.Get(context);
        var rejection = connection.DataRejection;
        connection.DataRejection = SmtpInRejectReason.None;
        if (rejection != SmtpInRejectReason.None)
        {
            return SmtpInReplies.ForData(rejection, _options);
        }
        if (connection.Accounts.Count == 0 && connection.Forwards.Count == 0)
        {
            return SmtpInReplies.NoRecipients;
        }

        var id = NewId();
        var sender = transaction.From is null || (transaction.From.User.Length == 0 && transaction.From.Host.Length == 0)
            ? ""
            : transaction.From.User + "@" + transaction.From.Host;
        var utf8 = transaction.Parameters.Keys.Any(k => k.Equals("SMTPUTF8", StringComparison.OrdinalIgnoreCase));
        var now = _time.GetUtcNow();
        var trace = SmtpInTraceHeaders.Build(
            sender,
            connection.HeloName,
            connection.Remote.Address,
            _host,
            SmtpInTraceHeaders.Protocol(connection.Extended, connection.Secure, utf8),
            id,
            connection.Recipients.Count == 1 ? connection.Recipients[0] : null,
            now);
        var body = buffer.Length >= 2 ? buffer.Slice(2) : ReadOnlySequence<byte>.Empty;
        var end = buffer.Length >= 2 ? new ReadOnlySequence<byte>(CrlfBytes) : ReadOnlySequence<byte>.Empty;
        // Return-Path first (RFC 5321 §4.4), then the filter fields, then our Received.
        var returnPathEnd = trace.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        var returnPath = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(trace[..returnPathEnd]));
        var received = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(trace[returnPathEnd..]));

        var scanned = new ScanMessage(returnPath, received, body, end)
        {
            Envelope = new ScanEnvelope(connection.Remote, connection.HeloName, sender, connection.Recipients.ToList(), id, connection.AuthenticatedUser, _host),
        };
        var verdict = await _filters.ScanAsync(scanned, id, _host, connection.BlockResults, cancellationToken);
        // Per local account: sender lists and Bayes data may change the verdict (RecipientStage); forwards keep the message's.
        var personal = await _recipients.DecideAsync(verdict, scanned, sender, connection.Accounts, id, _host, cancellationToken);
        var quarantined = false;
        if (_quarantinePolicy.Enabled)
        {
            var held = personal.Accounts
                .Select(p => (p.Account, p.Verdict, Reason: _quarantinePolicy.Decide(p.Verdict, p.Account)))
                .Where(h => h.Reason is not null)
                .Select(h => (h.Account, h.Verdict, Reason: h.Reason!.Value))
                .ToList();
            if (held.Count > 0)
            {
                if (!await QuarantineAsync(held, id, sender, scanned, returnPath, received, body, end, now, connection, cancellationToken))
                {
                    // Nothing kept, nothing delivered yet: the client's retry starts over.
                    return SmtpInReplies.StoreFailed;
                }
                quarantined = true;
                personal = personal.Without(held.Select(h => h.Account).ToHashSet(StringComparer.Ordinal));
            }
        }
        var forwarding = verdict.Delivers && connection.Forwards.Count > 0;
        if (personal.Refusal is { } refusal && !forwarding)
        {
            await RecordAsync(refusal, id, sender, scanned, personal.Accounts.Select(a => new DeliveryOutcome(a.Account, StoreStatus.Ok, 0) { Mailbox = "" }).ToList(), now);
            SmtpInLog.Filtered(_logger, connection.Remote, id, sender, refusal.Action);
            // A milter's discard: accepted, and dropped on purpose; a quarantined message: accepted and kept.
            return refusal.Action == FilterAction.Discard || quarantined ? SmtpInReplies.Queued(id) : SmtpInReplies.ForVerdict(refusal);
        }
        // A milter's edits apply to what is stored and to what is forwarded.
        ReadOnlySequence<byte>? edited = verdict.Edits.Count == 0
            ? null
            : new ReadOnlySequence<byte>(MessageEditor.Apply(new ScanMessage(received, body, end), verdict.Edits));
        var forwarded = false;
        if (forwarding)
        {
            var forwardHeaders = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(verdict.Headers));
            forwarded = await ForwardAsync(connection, id, sender,
                edited is { } forwardedOctets ? new ConcatenatedReadStream(forwardHeaders, forwardedOctets) : new ConcatenatedReadStream(forwardHeaders, received, body, end),
                cancellationToken);
            if (!forwarded)
            {
                // Nothing stored yet: the client's retry delivers everything once.
                return SmtpInReplies.StoreFailed;
            }
        }
        if (personal.Groups.Count == 0)
        {
            if (personal.Refusal is { } localRefusal)
            {
                await RecordAsync(localRefusal, id, sender, scanned, personal.Accounts.Select(a => new DeliveryOutcome(a.Account, StoreStatus.Ok, 0) { Mailbox = "" }).ToList(), now);
            }
            return SmtpInReplies.Queued(id);
        }

        var outcomes = new List<DeliveryOutcome>(connection.Accounts.Count);
        long length = 0;
        foreach (var group in personal.Groups)
        {
            var filterHeaders = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(group.Verdict.Headers));
            await using var message = edited is { } editedOctets
                ? new ConcatenatedReadStream(returnPath, filterHeaders, editedOctets)
                : new ConcatenatedReadStream(returnPath, filterHeaders, received, body, end);
            IReadOnlyList<DeliveryOutcome> groupOutcomes;
            try
            {
                var target = group.Verdict.Action == FilterAction.Junk ? DeliveryTarget.Junk : DeliveryTarget.Inbox;
                groupOutcomes = await _store.DeliverAsync(group.Accounts, message, now, target, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                SmtpInLog.DeliveryFailed(_logger, connection.Remote, id, ex);
                if (outcomes.Count == 0 && !forwarded)
                {
                    return SmtpInReplies.StoreFailed;
                }
                // Earlier groups (or forwards) are stored: the 250 they were promised stands; this group's failure is logged.
                continue;
            }
            length = message.Length;
            await RecordAsync(group.Verdict, id, sender, scanned, groupOutcomes.Where(o => o.Status == StoreStatus.Ok).ToList(), now);
            outcomes.AddRange(groupOutcomes);
        }

        var delivered = 0;
        StoreStatus? firstRefusal = null;
        foreach (var outcome in outcomes)
        {
            if (outcome.Status == StoreStatus.Ok)
            {
                delivered++;
                continue;
            }
            firstRefusal ??= outcome.Status;
            SmtpInLog.DeliveryRefused(_logger, connection.Remote, id, outcome.Account, outcome.Status);
        }
        if (delivered > 0 || forwarded)
        {
            SmtpInLog.Delivered(_logger, connection.Remote, id, sender, delivered, length);
            return SmtpInReplies.Queued(id);
        }
        return firstRefusal switch
        {
            StoreStatus.OverQuota => SmtpInReplies.OverQuota,
            StoreStatus.TooBig => SmtpInReplies.TooBigForMailbox,
            _ => SmtpInReplies.StoreFailed,
        };
    }

    /// <summary>
    /// Keeps the message for the <paramref name="held"/> accounts (one copy per distinct verdict header block) and records their
    /// verdicts with mailbox <see cref="QuarantinePolicy.Mailbox"/>; false when a copy could not be made durable (logged; copies
    /// already kept stay, the client's retry keeps another).
    /// </summary>
    private async Task<bool> QuarantineAsync(List<(string Account, FilterVerdict Verdict, QuarantineReason Reason)> held, string id, string sender, ScanMessage scanned,
        ReadOnlySequence<byte> returnPath, ReadOnlySequence<byte> received, ReadOnlySequence<byte> body, ReadOnlySequence<byte> end, DateTimeOffset now,
        SmtpInConnection connection, CancellationToken cancellationToken)
    {
        var from = Decoded(scanned.FirstHeader("From"));
        var subject = Decoded(scanned.FirstHeader("Subject"));
        foreach (var group in held.GroupBy(h => (h.Verdict.Headers, h.Reason)))
        {
            var verdict = group.First().Verdict;
            var detail = group.Key.Reason == QuarantineReason.Virus
                ? verdict.Reason ?? "malware"
                : FormattableString.Invariant($"spam score {verdict.Score:0.0}");
            var hold = new QuarantineHold(group.Select(h => h.Account).ToList(), id, group.Key.Reason, detail, verdict.Score, sender, from, subject, now);
            try
            {
                await using var message = new ConcatenatedReadStream(returnPath, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(verdict.Headers)), received, body, end);
                await _quarantine.HoldAsync(hold, message, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                SmtpInLog.DeliveryFailed(_logger, connection.Remote, id, ex);
                return false;
            }
            SmtpInLog.Quarantined(_logger, connection.Remote, id, sender, hold.Accounts.Count, hold.Reason);
            await RecordAsync(verdict, id, sender, scanned, hold.Accounts.Select(a => new DeliveryOutcome(a, StoreStatus.Ok, 0) { Mailbox = QuarantinePolicy.Mailbox }).ToList(), now);
        }
        return true;
    }

    /// <summary>An RFC 2047-decoded header value for display, empty when missing.</summary>
    private static string Decoded(string? raw) =>
        raw is null ? "" : MimeKit.Utils.Rfc2047.DecodeText(Encoding.Latin1.GetBytes(raw)).Trim();

    /// <summary>Queues the message for the transaction's forwards; false when there are none or queueing failed (logged).</summary>
    private async Task<bool> ForwardAsync(SmtpInConnection connection, string id, string sender, ConcatenatedReadStream message, CancellationToken cancellationToken)
    {
        await using (message)
        {
            if (connection.Forwards.Count == 0 || connection.ForwardingRecipient is not { } recipient)
            {
                return false;
            }
            try
            {
                await _forwarder.ForwardAsync(sender, recipient, connection.Forwards, message, cancellationToken);
                return true;
            }
            catch (IOException ex)
            {
                SmtpInLog.DeliveryFailed(_logger, connection.Remote, id, ex);
                return false;
            }
        }
    }

    /// <summary>Writes the verdict record of every account; a failure is logged, never turned into a refusal (the message is stored).</summary>
    private async Task RecordAsync(FilterVerdict verdict, string id, string sender, ScanMessage message, List<DeliveryOutcome> deliveries, DateTimeOffset now)
    {
        if (deliveries.Count == 0)
        {
            return;
        }
        var messageId = message.FirstHeader("Message-ID");
        var checks = verdict.Results.Select(VerdictCheck.From).ToList();
        var records = deliveries
            .Select(d => new VerdictRecord(id, d.Account, d.Mailbox, d.Uid, now, verdict.Action, verdict.Score, _filterOptions.JunkScore, _filterOptions.RejectScore, sender, messageId, checks))
            .ToList();
        try
        {
            // Not the session's token: the message is stored, its record must follow even if the client leaves.
            await _verdicts.RecordAsync(records, CancellationToken.None);
        }
        catch (IOException ex)
        {
            SmtpInLog.VerdictNotRecorded(_logger, id, ex);
        }
    }

    /// <summary>A queue-id-like token: 12 characters of base32 from random bits.</summary>
    private static string NewId()
    {
        const string alphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZ";
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[12];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[bytes[i] % alphabet.Length];
        }
        return new string(chars);
    }
}
