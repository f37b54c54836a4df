using System.Buffers;
using System.Text;
using Mail.Protocols.Filtering;
using Mail.Protocols.Smtp.Outbound;
using Mail.Protocols.Smtp.Outbound.Dkim;
using Mail.Shared.Directory;
using Microsoft.Extensions.Logging;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Mail.Protocols.Smtp.Submission;

/// <summary>
/// End of DATA on Submission: runs the outbound scan (skipped for all-local mail when <see cref="SubmissionOptions.ScanLocalMail"/> is false) (<see cref="MessageScanPipeline"/>: clamd, spamd as
/// configured in <c>Mail:Filters</c>) and refuses at once what it condemns (<c>554 5.7.1</c> virus, <c>550 5.7.1</c>
/// spam, <c>451 4.7.1</c> scanner down under the tempfail policy), so nothing nasty leaves and no bounce is ever
/// made for it; prepends a <c>Received</c> field (RFC 5321 §4.4; the authenticated user and
/// the client address are left out unless <see cref="SubmissionOptions.ShowAuthenticatedUser"/>) and the
/// <c>Date</c> and <c>Message-ID</c> fields a message lacks (<see cref="SubmissionMissingFields"/>), signs with
/// the sender domain's DKIM key when one exists (<see cref="DkimMessageSigner"/>, RFC 6376), and commits the
/// message to the durable <see cref="OutboundQueueStore"/>. <c>250 2.0.0 Ok: queued as ID</c> only after the
/// queue fsynced; <c>451 4.3.0</c> on I/O errors; the wire guard's DATA refusals queue nothing.
/// </summary>
internal sealed class SubmissionMessageStore(
    IMailDirectory directory,
    OutboundQueueStore queue,
    DkimMessageSigner dkim,
    MessageScanPipeline filters,
    SubmissionRateLimiter limits,
    SubmissionOptions options,
    string host,
    TimeProvider time,
    ILogger logger) : IMessageStore
{
    private static readonly byte[] CrlfBytes = "\r\n"u8.ToArray();

    /// <inheritdoc />
    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var connection = SmtpInSessionState.Get(context);
        var rejection = connection.DataRejection;
        connection.DataRejection = SmtpInRejectReason.None;
        if (rejection != SmtpInRejectReason.None)
        {
            return SmtpInReplies.ForData(rejection, options.ToWireOptions());
        }
        var user = connection.AuthenticatedUser;
        if (user is null || connection.Recipients.Count == 0)
        {
            return SmtpInReplies.NoRecipients;
        }
        var sender = transaction.From.User + "@" + transaction.From.Host;
        var now = time.GetUtcNow();
        var utf8 = transaction.Parameters.Keys.Any(k => k.Equals("SMTPUTF8", StringComparison.OrdinalIgnoreCase));
        var body = buffer.Length >= 2 ? buffer.Slice(2) : ReadOnlySequence<byte>.Empty;
        // Our Received, then the Date and Message-ID the message lacks (RFC 6409 §8.2, §8.3).
        var received = BuildReceived(connection, user, utf8, now) + SubmissionMissingFields.For(body, host, now);
        var end = buffer.Length >= 2 ? new ReadOnlySequence<byte>(CrlfBytes) : ReadOnlySequence<byte>.Empty;
        var receivedBytes = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(received));
        if (options.ScanLocalMail || !await AllLocalAsync(connection.Recipients, cancellationToken))
        {
            var verdict = await filters.ScanAsync(new ScanMessage(receivedBytes, body, end), "submission-" + connection.Remote.Port, host, cancellationToken);
            if (verdict.Action is FilterAction.RejectVirus or FilterAction.RejectSpam or FilterAction.Tempfail)
            {
                SubmissionLog.ContentRefused(logger, connection.Remote, user, verdict.Action);
                return SmtpInReplies.ForVerdict(verdict);
            }
        }
        var traced = new ConcatenatedReadStream(receivedBytes, body, end);
        Stream message = traced;
        try
        {
            var signature = await dkim.SignAsync(sender, traced, cancellationToken);
            traced.Position = 0;
            if (signature is not null)
            {
                message = new ConcatenatedReadStream(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(signature)), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(received)), body, end);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SubmissionLog.DkimFailed(logger, sender[(sender.LastIndexOf('@') + 1)..], ex);
            traced.Position = 0;
        }

        try
        {
            await using (message)
            {
                var dsn = SubmissionSessionState.Of(connection).Recipients;
                var recipients = connection.Recipients.Select((r, i) => new OutboundRecipient
                {
                    Address = r,
                    Notify = i < dsn.Count ? dsn[i].Notify : null,
                    OriginalRecipient = i < dsn.Count ? dsn[i].Orcpt : null,
                }).ToList();
                var ret = Parameter(transaction, "RET")?.ToUpperInvariant();
                var requireTls = transaction.Parameters.Keys.Any(k => k.Equals("REQUIRETLS", StringComparison.OrdinalIgnoreCase));
                var entry = await queue.EnqueueAsync(sender, recipients, user, ret is "FULL" or "HDRS" ? ret : null, Parameter(transaction, "ENVID"), requireTls, message, now, cancellationToken);
                limits.Record(user, entry.Recipients.Count);
                SubmissionLog.Queued(logger, connection.Remote, user, entry.Id, entry.Recipients.Count, entry.Size);
                return SmtpInReplies.Queued(entry.Id);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SubmissionLog.QueueFailed(logger, connection.Remote, user, ex);
            return SmtpInReplies.StoreFailed;
        }
        finally
        {
            await traced.DisposeAsync();
        }
    }

    /// <summary>True when every recipient's domain is local (<see cref="SubmissionOptions.ScanLocalMail"/>); false when the directory is down.</summary>
    private async Task<bool> AllLocalAsync(IEnumerable<string> recipients, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var domain in recipients.Select(r => r[(r.LastIndexOf('@') + 1)..]).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!await directory.IsLocalDomainAsync(domain, cancellationToken))
                {
                    return false;
                }
            }
            return true;
        }
        catch (DirectoryUnavailableException)
        {
            return false;
        }
    }

    private static string? Parameter(IMessageTransaction transaction, string name) =>
        transaction.Parameters.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>
    /// <c>Received: from HELO by HOST with ESMTPSA id ...; DATE</c> (RFC 3848 protocol types with "A" for
    /// authenticated); with <see cref="SubmissionOptions.ShowAuthenticatedUser"/> also the client literal and
    /// <c>(Authenticated sender: user)</c>.
    /// </summary>
    private string BuildReceived(SmtpInConnection connection, string user, bool utf8, DateTimeOffset now)
    {
        var protocol = SmtpInTraceHeaders.Protocol(connection.Extended, connection.Secure, utf8) + "A";
        var text = new StringBuilder(256);
        text.Append("Received: from ").Append(string.IsNullOrEmpty(connection.HeloName) ? "unknown" : connection.HeloName);
        if (options.ShowAuthenticatedUser)
        {
            text.Append(" ([").Append(connection.Remote.Address.IsIPv4MappedToIPv6 ? connection.Remote.Address.MapToIPv4() : connection.Remote.Address).Append("])")
                .Append("\r\n\t(Authenticated sender: ").Append(user).Append(')');
        }
        text.Append("\r\n\tby ").Append(host).Append(" with ").Append(protocol)
            .Append("; ").Append(SmtpInTraceHeaders.FormatDate(now)).Append("\r\n");
        return text.ToString();
    }
}
