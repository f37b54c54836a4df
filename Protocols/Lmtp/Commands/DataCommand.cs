using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Mail.Protocols.Smtp;
using Mail.Protocols.Smtp.Forwarding;
using Mail.Protocols.Store;

namespace Mail.Protocols.Lmtp.Commands;

/// <summary>
/// DATA (RFC 2033 §4.2), after at least one accepted RCPT: <c>354</c>, the message up to
/// <c>CRLF . CRLF</c> (<see cref="LmtpSession.ReadDataAsync"/>), then ONE reply PER accepted
/// recipient, in RCPT order, each sent only after <see cref="IMailStore.DeliverAsync(IReadOnlyList{string}, Stream, DateTimeOffset, DeliveryTarget, CancellationToken)"/>
/// returned, i.e. after the copy is durable.
/// </summary>
/// <remarks>
/// The stored message is <c>Return-Path</c> (the MAIL FROM path), a <c>Received</c> field
/// (<see cref="SmtpInTraceHeaders"/>, protocol <c>LMTP</c>/<c>UTF8LMTP</c>, RFC 3848/6531) and the
/// received octets, dot-unstuffed. Per recipient: <c>250 2.0.0</c> when at least one of its accounts
/// got the message; else <c>452 4.2.2</c> over quota (<c>552 5.2.2</c> with
/// <see cref="LmtpOptions.OverQuotaIsPermanent"/>), <c>552 5.3.4</c> too big for the mailbox,
/// <c>451 4.3.0</c> store I/O error. Forwarding recipients (<see cref="LmtpRecipient.Forwards"/>) are queued first, each
/// through <see cref="MailForwarder.ForwardAsync"/> with an SRS sender exactly as SMTP-in does: <c>250 2.0.0</c> once
/// queued (whatever became of a kept copy), <c>451 4.3.0</c> when the queue could not be written (its copy not stored). A refused data section (bare CR/LF, line or size limit) gets the
/// same refusal for every recipient and stores nothing.
/// </remarks>
internal sealed class DataCommand : ILmtpCommand
{
    public const string Command = "DATA";

    public string Name => Command;

    public async Task ExecuteAsync(LmtpSession session, LmtpRequest request, CancellationToken cancellationToken)
    {
        if (request.Argument.Length > 0)
        {
            await session.WriteLineAsync("501 5.5.4 syntax: DATA", cancellationToken);
            return;
        }
        var transaction = session.Transaction!;
        await session.WriteLineAsync("354 start mail input; end with <CRLF>.<CRLF>", cancellationToken);
        var (body, rejection) = await session.ReadDataAsync(cancellationToken);
        await using var _ = body;
        session.ResetTransaction();
        if (rejection != SmtpInRejectReason.None)
        {
            LmtpLog.DataRejected(session.Logger, session.Remote, rejection);
            var refusal = ForData(rejection, session.Options);
            await session.WriteAsync(string.Concat(transaction.Recipients.Select(r => refusal + "\r\n")), cancellationToken);
            return;
        }

        var id = NewId();
        var now = session.Services.Time.GetUtcNow();
        var trace = SmtpInTraceHeaders.Build(
            transaction.Sender,
            session.LhloName,
            session.Remote.Address,
            session.HostName,
            transaction.Utf8 ? "UTF8LMTP" : "LMTP",
            id,
            transaction.Recipients.Count == 1 ? transaction.Recipients[0].Address : null,
            now);
        var returnPathEnd = trace.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        var bodyOctets = new ReadOnlySequence<byte>(body.GetBuffer(), 0, (int)body.Length);
        var failedForwards = await ForwardAsync(session, transaction, id, trace[returnPathEnd..], bodyOctets, cancellationToken);
        await using var message = new ConcatenatedReadStream(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(trace)), bodyOctets);
        // A recipient whose forward failed gets a temporary error: its mailbox copy waits for the client's retry too.
        var accounts = transaction.Recipients.Where(r => !failedForwards.Contains(r))
            .SelectMany(r => r.Accounts).Distinct(StringComparer.Ordinal).ToList();

        Dictionary<string, StoreStatus>? byAccount = new(StringComparer.Ordinal);
        if (accounts.Count > 0)
        {
            try
            {
                var outcomes = await session.Services.Store.DeliverAsync(accounts, message, now, DeliveryTarget.Inbox, cancellationToken);
                byAccount = outcomes.ToDictionary(o => o.Account, o => o.Status, StringComparer.Ordinal);
                foreach (var outcome in outcomes.Where(o => o.Status != StoreStatus.Ok))
                {
                    LmtpLog.DeliveryRefused(session.Logger, session.Remote, id, outcome.Account, outcome.Status);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LmtpLog.DeliveryFailed(session.Logger, session.Remote, id, ex);
                byAccount = null;
            }
        }

        var replies = new StringBuilder();
        var delivered = 0;
        foreach (var recipient in transaction.Recipients)
        {
            replies.Append(Reply(session.Options, recipient, id, failedForwards.Contains(recipient), byAccount, ref delivered)).Append("\r\n");
        }
        LmtpLog.Delivered(session.Logger, session.Remote, id, transaction.Sender, delivered, transaction.Recipients.Count, message.Length);
        await session.WriteAsync(replies.ToString(), cancellationToken);
    }

    /// <summary>
    /// Queues the message (our Received field and the received octets, no Return-Path) once per forwarding recipient through
    /// <see cref="MailForwarder.ForwardAsync"/> (SRS0 or SRS1 sender, as SMTP-in); returns the recipients whose forward could not be queued (logged).
    /// </summary>
    private static async Task<HashSet<LmtpRecipient>> ForwardAsync(LmtpSession session, LmtpTransaction transaction, string id, string received, ReadOnlySequence<byte> body, CancellationToken cancellationToken)
    {
        var failed = new HashSet<LmtpRecipient>();
        foreach (var recipient in transaction.Recipients.Where(r => r.Forwards.Count > 0))
        {
            await using var forward = new ConcatenatedReadStream(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(received)), body);
            try
            {
                await session.Services.Forwarder.ForwardAsync(transaction.Sender, recipient.Address, recipient.Forwards, forward, cancellationToken);
            }
            catch (IOException ex)
            {
                LmtpLog.DeliveryFailed(session.Logger, session.Remote, id, ex);
                failed.Add(recipient);
            }
        }
        return failed;
    }

    /// <summary>
    /// The DATA reply of one recipient (RFC 2033 §4.2): <c>250</c> when its forward is queued or one of its accounts got the
    /// message; else the first account's refusal; <c>451 4.3.0</c> when the forward or the store failed (<paramref name="byAccount"/> null).
    /// </summary>
    private static string Reply(LmtpOptions options, LmtpRecipient recipient, string id, bool forwardFailed, Dictionary<string, StoreStatus>? byAccount, ref int delivered)
    {
        var address = recipient.Address;
        if (forwardFailed)
        {
            return $"451 4.3.0 <{address}> forwarding failed, try again later";
        }
        var statuses = recipient.Accounts.Select(a => byAccount is not null && byAccount.TryGetValue(a, out var s) ? s : StoreStatus.NotAllowed).ToList();
        if (statuses.Contains(StoreStatus.Ok) || recipient.Forwards.Count > 0)
        {
            delivered++;
            return recipient.Accounts.Count == 0 ? $"250 2.0.0 <{address}> forwarded as {id}" : $"250 2.0.0 <{address}> delivered as {id}";
        }
        return (byAccount is null ? StoreStatus.NotAllowed : statuses[0]) switch
        {
            StoreStatus.OverQuota when options.OverQuotaIsPermanent => $"552 5.2.2 <{address}> mailbox full",
            StoreStatus.OverQuota => $"452 4.2.2 <{address}> mailbox full, try again later",
            StoreStatus.TooBig => $"552 5.3.4 <{address}> message too big for the mailbox",
            _ => $"451 4.3.0 <{address}> local delivery failed, try again later",
        };
    }

    /// <summary>The refusal of a data section the scanner rejected (same texts as SMTP in).</summary>
    private static string ForData(SmtpInRejectReason reason, LmtpOptions options) => reason switch
    {
        SmtpInRejectReason.LineTooLong => $"552 5.3.4 message line longer than {options.MaxLineOctets} octets",
        SmtpInRejectReason.MessageTooBig => "552 5.3.4 message size exceeds fixed limit",
        SmtpInRejectReason.BareCarriageReturn => "554 5.6.0 bare <CR> received in message data",
        SmtpInRejectReason.BareLineFeed => "554 5.6.0 bare <LF> received in message data",
        _ => "451 4.3.0 local error, try again later",
    };

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
