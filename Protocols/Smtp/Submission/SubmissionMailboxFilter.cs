using Mail.Shared.Directory;
using Microsoft.Extensions.Logging;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Mail.Protocols.Smtp.Submission;

/// <summary>
/// MAIL and RCPT policy of Submission (RFC 6409 §4-5). MAIL (after AUTH, which the hook enforces):
/// the sender must be the authenticated user's own address or an address the directory resolves
/// to that user (an alias including them, plus-addressing); anything else, and the null sender, gets
/// <c>553 5.7.1</c>. RCPT: any well-formed address (authenticated relaying), up to
/// <see cref="SubmissionOptions.MaxRecipients"/> (<c>452 4.5.3</c>); <c>451 4.3.0</c> when the
/// directory is down. Per-user hourly limits (<see cref="SubmissionRateLimiter"/>): <c>450 4.7.1</c> at MAIL or RCPT.
/// </summary>
internal sealed class SubmissionMailboxFilter(IMailDirectory directory, SubmissionOptions options, SubmissionRateLimiter limits, ILogger logger) : IMailboxFilter
{
    /// <inheritdoc />
    public async Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        var connection = SmtpInSessionState.Get(context);
        connection.ResetTransaction();
        SubmissionSessionState.Of(connection).Recipients.Clear();
        var user = connection.AuthenticatedUser ?? throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)530, "5.7.0 Authentication required"));
        if (!limits.MayStartMessage(user))
        {
            SubmissionLog.RateLimited(logger, connection.Remote, user, "messages");
            throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)450, $"4.7.1 Error: too many messages from {user} or its domain in the last hour, try again later"));
        }
        var sender = from is null || (from.User.Length == 0 && from.Host.Length == 0) ? "" : from.User + "@" + from.Host;
        if (sender.Length > 0 && await MaySendAsAsync(user, sender, cancellationToken))
        {
            return true;
        }
        SubmissionLog.SenderRefused(logger, connection.Remote, user, sender);
        throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)553, $"5.7.1 <{sender}>: Sender address rejected: not owned by user {user}"));
    }

    /// <inheritdoc />
    public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        var connection = SmtpInSessionState.Get(context);
        if (connection.Recipients.Count >= options.MaxRecipients)
        {
            throw new SmtpResponseException(SmtpInReplies.TooManyRecipients);
        }
        if (!limits.MayAddRecipient(connection.AuthenticatedUser ?? "", connection.Recipients.Count))
        {
            SubmissionLog.RateLimited(logger, connection.Remote, connection.AuthenticatedUser ?? "", "recipients");
            throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)450, "4.7.1 Error: too many recipients in the last hour, try again later"));
        }
        if (to.User.Length == 0 || to.Host.Length == 0)
        {
            throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)553, "5.1.3 Error: recipient address must be user@domain"));
        }
        connection.AddRecipient(to.User + "@" + to.Host, []);
        var state = SubmissionSessionState.Of(connection);
        state.Recipients.Add((state.PendingNotify, state.PendingOrcpt));
        return Task.FromResult(true);
    }

    private async Task<bool> MaySendAsAsync(string user, string sender, CancellationToken cancellationToken)
    {
        if (sender.Equals(user, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        RecipientResolution resolution;
        try
        {
            resolution = await directory.ResolveRecipientAsync(sender, cancellationToken);
        }
        catch (DirectoryUnavailableException)
        {
            throw new SmtpResponseException(SmtpInReplies.LookupFailed(sender));
        }
        return resolution.Kind == RecipientKind.Local && resolution.Users.Contains(user, StringComparer.OrdinalIgnoreCase);
    }
}
