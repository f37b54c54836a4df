using Mail.Shared.Platform;
using Mail.Web.Webmail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Outbox;

/// <summary>A held message as the user sees it in the outbox list.</summary>
/// <param name="Id">Outbox id.</param>
/// <param name="Kind">Undo window or scheduled.</param>
/// <param name="State">Pending or failed.</param>
/// <param name="Subject">Subject.</param>
/// <param name="Recipients">Envelope recipients.</param>
/// <param name="DueUtc">When it is (or was) due.</param>
/// <param name="LastError">Why the last attempt failed, or null.</param>
public sealed record WebmailOutboxItem(string Id, WebmailOutboxKind Kind, WebmailOutboxState State, string Subject, IReadOnlyList<string> Recipients, DateTime DueUtc, string? LastError);

/// <summary>Result of taking a message back out of the outbox.</summary>
public enum WebmailOutboxRecall
{
    /// <summary>The message was still held and is now removed: it will not be sent.</summary>
    Recalled,

    /// <summary>The message is being sent right now, or has been sent: too late.</summary>
    TooLate,

    /// <summary>No such message for this user.</summary>
    NotFound,
}

/// <summary>
/// The webmail's server-side outbox (table <c>WebmailOutbox</c> in the platform DB, shared by every web node):
/// "undo send" holds a message for the user's window (5-30 s) and scheduled send holds it until a chosen time;
/// <see cref="WebmailOutboxSender"/> on any node submits it when due. The user's password is kept only protected
/// with Data Protection. A held message also stays in Drafts until it is sent, so recalling it reopens the draft.
/// </summary>
public sealed class WebmailOutbox(
    IDbContextFactory<PlatformDbContext> dbFactory, WebmailCredentialProtector protector, IOptions<WebmailOptions> options, TimeProvider time)
{
    /// <summary>Shortest and longest undo-send window, in seconds.</summary>
    public const int MinUndoSeconds = 5, MaxUndoSeconds = 30;

    /// <summary>Most messages one user may have waiting (held or failed); the composer refuses more and keeps the draft.</summary>
    public const int MaxHeldPerUser = 100;

    /// <summary>Furthest a message can be scheduled ahead, in days.</summary>
    public const int MaxScheduleDays = 366;

    private DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    /// <summary>The undo window for a user preference (seconds; 0 = the configured default), clamped to 5..30.</summary>
    public int UndoSeconds(int preference) =>
        Math.Clamp(preference > 0 ? preference : options.Value.UndoSendSeconds, MinUndoSeconds, MaxUndoSeconds);

    /// <summary>
    /// Holds <paramref name="message"/> for submission at <paramref name="dueUtc"/> on behalf of <paramref name="credentials"/>.
    /// </summary>
    /// <param name="draft">The draft holding the same message (deleted once sent), or null.</param>
    /// <param name="replyTo">The message this one answers (gets <c>\Answered</c>), or null.</param>
    /// <returns>The outbox id.</returns>
    public async Task<string> EnqueueAsync(
        WebmailCredentials credentials, MimeMessage message, IReadOnlyList<MailboxAddress> recipients, WebmailOutboxKind kind,
        DateTime dueUtc, WebmailStoredMessage? draft, WebmailStoredMessage? replyTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(message);
        using var bytes = new MemoryStream();
        await message.WriteToAsync(FormatOptions.Default, bytes, cancellationToken);
        var entry = new WebmailOutboxEntry
        {
            Id = Guid.NewGuid().ToString("N"),
            UserAddress = credentials.Address.ToLowerInvariant(),
            Kind = kind,
            State = WebmailOutboxState.Pending,
            CreatedUtc = UtcNow,
            DueUtc = dueUtc,
            Subject = Truncate(message.Subject ?? "", 1024),
            Recipients = string.Join('\n', recipients.Select(r => r.Address)),
            ProtectedPassword = protector.ProtectPassword(credentials.Password),
            DraftFolder = draft?.Folder ?? "",
            DraftUid = draft?.Uid ?? 0,
            ReplyFolder = replyTo?.Folder ?? "",
            ReplyUid = replyTo?.Uid ?? 0,
            Message = bytes.ToArray(),
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.WebmailOutbox.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        return entry.Id;
    }

    /// <summary>
    /// Takes message <paramref name="id"/> of <paramref name="userAddress"/> back if no node has started sending it
    /// (a failed one can always be taken back). The row is deleted in one conditional statement, so a concurrent
    /// sender either claims it first (<see cref="WebmailOutboxRecall.TooLate"/>) or never sees it.
    /// </summary>
    /// <returns>The outcome and, when recalled, the draft that holds the message.</returns>
    public async Task<(WebmailOutboxRecall Outcome, WebmailStoredMessage? Draft)> RecallAsync(string userAddress, string id, CancellationToken cancellationToken)
    {
        var user = userAddress.ToLowerInvariant();
        var now = UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.WebmailOutbox.AsNoTracking()
            .Where(o => o.Id == id && o.UserAddress == user)
            .Select(o => new { o.DraftFolder, o.DraftUid })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return (WebmailOutboxRecall.NotFound, null);
        }
        var deleted = await db.WebmailOutbox
            .Where(o => o.Id == id && o.UserAddress == user
                && (o.State == WebmailOutboxState.Failed || o.LeaseUntilUtc == null || o.LeaseUntilUtc < now))
            .ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return (WebmailOutboxRecall.TooLate, null);
        }
        var draft = row.DraftUid > 0 ? new WebmailStoredMessage(row.DraftFolder, (uint)row.DraftUid) : null;
        return (WebmailOutboxRecall.Recalled, draft);
    }

    /// <summary>The user's held and failed messages, soonest first.</summary>
    public async Task<IReadOnlyList<WebmailOutboxItem>> ListAsync(string userAddress, CancellationToken cancellationToken)
    {
        var user = userAddress.ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.WebmailOutbox.AsNoTracking()
            .Where(o => o.UserAddress == user)
            .OrderBy(o => o.DueUtc)
            .Select(o => new { o.Id, o.Kind, o.State, o.Subject, o.Recipients, o.DueUtc, o.LastError })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new WebmailOutboxItem(r.Id, r.Kind, r.State, r.Subject, r.Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries), r.DueUtc, r.LastError))];
    }

    /// <summary>One of the user's outbox entries, or null.</summary>
    public async Task<WebmailOutboxItem?> FindAsync(string userAddress, string id, CancellationToken cancellationToken)
    {
        var user = userAddress.ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var r = await db.WebmailOutbox.AsNoTracking()
            .Where(o => o.Id == id && o.UserAddress == user)
            .Select(o => new { o.Id, o.Kind, o.State, o.Subject, o.Recipients, o.DueUtc, o.LastError })
            .FirstOrDefaultAsync(cancellationToken);
        return r is null ? null
            : new WebmailOutboxItem(r.Id, r.Kind, r.State, r.Subject, r.Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries), r.DueUtc, r.LastError);
    }

    /// <summary>How many messages of the user wait in the outbox (held or failed).</summary>
    public async Task<int> CountAsync(string userAddress, CancellationToken cancellationToken)
    {
        var user = userAddress.ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebmailOutbox.CountAsync(o => o.UserAddress == user, cancellationToken);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
