using Mail.Shared.Platform;
using Mail.Web.Webmail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Outbox;

/// <summary>
/// Submits due outbox messages (<see cref="WebmailOutbox"/>) on every web node. Each pass selects due rows and
/// claims each with one conditional UPDATE (lease owner and expiry), so with several nodes exactly one sends a
/// message while the lease holds; a node that dies mid-send leaves a lease that expires and another node retries
/// (at-least-once). After the Submission server accepts, the row is deleted first, then the copy is filed in Sent,
/// the draft removed and the replied-to message marked <c>\Answered</c> over IMAP. 5xx replies mark the row
/// failed for the user to see; 4xx and unreachable servers are retried with backoff (30 s doubling, at most
/// 15 min) for about <see cref="WebmailOptions.OutboxMaxRetryHours"/>.
/// </summary>
public sealed class WebmailOutboxSender(
    IDbContextFactory<PlatformDbContext> dbFactory,
    WebmailCredentialProtector protector,
    WebmailSubmissionClient submission,
    WebmailImapConnector connector,
    IOptions<WebmailOptions> options,
    TimeProvider time,
    ILogger<WebmailOutboxSender> logger,
    ILogger<WebmailMailSession> sessionLogger) : BackgroundService
{
    /// <summary>How long a claim on a row lasts; a send that takes longer may be repeated by another node.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(3);

    private readonly string _node = NodeName();

    private DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.OutboxPollMilliseconds, 50, 60_000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunPassAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                WebmailComposeLog.OutboxPassFailed(logger, ex);
            }
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: claims and sends every due message (up to 50).</summary>
    public async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var now = UtcNow;
        List<string> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.WebmailOutbox.AsNoTracking()
                .Where(o => o.State == WebmailOutboxState.Pending && o.DueUtc <= now && (o.LeaseUntilUtc == null || o.LeaseUntilUtc < now))
                .OrderBy(o => o.DueUtc)
                .Select(o => o.Id)
                .Take(50)
                .ToListAsync(cancellationToken);
        }
        foreach (var id in due)
        {
            var entry = await ClaimAsync(id, cancellationToken);
            if (entry is not null)
            {
                await SendAsync(entry, cancellationToken);
            }
        }
    }

    private async Task<WebmailOutboxEntry?> ClaimAsync(string id, CancellationToken cancellationToken)
    {
        var now = UtcNow;
        var until = now + Lease;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var claimed = await db.WebmailOutbox
            .Where(o => o.Id == id && o.State == WebmailOutboxState.Pending && o.DueUtc <= now && (o.LeaseUntilUtc == null || o.LeaseUntilUtc < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseOwner, _node).SetProperty(o => o.LeaseUntilUtc, until), cancellationToken);
        return claimed == 1
            ? await db.WebmailOutbox.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id && o.LeaseOwner == _node, cancellationToken)
            : null;
    }

    private async Task SendAsync(WebmailOutboxEntry entry, CancellationToken cancellationToken)
    {
        var password = protector.UnprotectPassword(entry.ProtectedPassword);
        if (password is null)
        {
            WebmailComposeLog.OutboxCredentialsLost(logger, entry.Id, entry.UserAddress);
            await FailAsync(entry, "The message could not be sent: sign in again and send it once more.", cancellationToken);
            return;
        }
        var credentials = new WebmailCredentials(entry.UserAddress, password);
        MimeMessage message;
        using (var stream = new MemoryStream(entry.Message, writable: false))
        {
            message = await MimeMessage.LoadAsync(stream, cancellationToken);
        }
        var sender = message.From.Mailboxes.FirstOrDefault() ?? new MailboxAddress("", entry.UserAddress);
        var recipients = entry.Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(a => new MailboxAddress("", a)).ToList();
        // Bcc recipients are in the envelope only (RFC 5322 §3.6.3); the Sent copy keeps the header.
        MimeMessage wire;
        using (var stream = new MemoryStream(entry.Message, writable: false))
        {
            wire = await MimeMessage.LoadAsync(stream, cancellationToken);
        }
        wire.Headers.RemoveAll(HeaderId.Bcc);
        var result = await submission.SubmitAsync(credentials, wire, sender, recipients, cancellationToken);
        switch (result.Outcome)
        {
            case WebmailSubmitOutcome.Accepted:
                await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
                {
                    await db.WebmailOutbox.Where(o => o.Id == entry.Id).ExecuteDeleteAsync(cancellationToken);
                }
                WebmailComposeLog.OutboxSubmitted(logger, entry.Id, entry.UserAddress, recipients.Count);
                await FileAsync(entry, credentials, message, cancellationToken);
                break;
            case WebmailSubmitOutcome.Rejected:
                WebmailComposeLog.OutboxRejected(logger, entry.Id, entry.UserAddress, result.Detail);
                await FailAsync(entry, result.Detail, cancellationToken);
                break;
            default:
                await DeferAsync(entry, result.Detail, cancellationToken);
                break;
        }
    }

    /// <summary>Sent copy, draft removal and <c>\Answered</c>; failures here are logged, the message is already sent.</summary>
    private async Task FileAsync(WebmailOutboxEntry entry, WebmailCredentials credentials, MimeMessage message, CancellationToken cancellationToken)
    {
        await using var session = new WebmailMailSession(credentials, connector, options.Value, sessionLogger);
        try
        {
            await session.SaveSentAsync(message, cancellationToken);
            if (entry.DraftUid > 0)
            {
                await session.DeleteMessageAsync(new WebmailStoredMessage(entry.DraftFolder, (uint)entry.DraftUid), cancellationToken);
            }
            if (entry.ReplyUid > 0)
            {
                await session.MarkAnsweredAsync(new WebmailStoredMessage(entry.ReplyFolder, (uint)entry.ReplyUid), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is WebmailUnavailableException or MailKit.CommandException or MailKit.FolderNotFoundException)
        {
            WebmailComposeLog.OutboxSentCopyFailed(logger, entry.Id, entry.UserAddress, ex);
        }
    }

    private async Task FailAsync(WebmailOutboxEntry entry, string detail, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.WebmailOutbox.Where(o => o.Id == entry.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.State, WebmailOutboxState.Failed)
                .SetProperty(o => o.LastError, Truncate(detail))
                .SetProperty(o => o.Attempts, entry.Attempts + 1)
                .SetProperty(o => o.LeaseOwner, (string?)null)
                .SetProperty(o => o.LeaseUntilUtc, (DateTime?)null), cancellationToken);
    }

    private async Task DeferAsync(WebmailOutboxEntry entry, string detail, CancellationToken cancellationToken)
    {
        var attempts = entry.Attempts + 1;
        // 8 attempts reach the 15-minute cap (about 2 hours), then 4 an hour.
        if (attempts > 8 + (4 * Math.Max(1, options.Value.OutboxMaxRetryHours)))
        {
            await FailAsync(entry, "Gave up after repeated failures: " + detail, cancellationToken);
            return;
        }
        WebmailComposeLog.OutboxDeferred(logger, entry.Id, entry.UserAddress, attempts, detail);
        var delay = TimeSpan.FromSeconds(Math.Min(900, 30 * Math.Pow(2, Math.Min(attempts - 1, 10))));
        var next = UtcNow + delay;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.WebmailOutbox.Where(o => o.Id == entry.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Attempts, attempts)
                .SetProperty(o => o.LastError, Truncate(detail))
                .SetProperty(o => o.DueUtc, next)
                .SetProperty(o => o.LeaseOwner, (string?)null)
                .SetProperty(o => o.LeaseUntilUtc, (DateTime?)null), cancellationToken);
    }

    private static string NodeName()
    {
        var name = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        return name.Length <= 128 ? name : name[^128..];
    }

    private static string Truncate(string value) => value.Length <= 1024 ? value : value[..1024];
}
