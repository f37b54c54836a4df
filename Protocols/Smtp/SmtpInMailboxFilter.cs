using Mail.Protocols.Filtering.Block;
using Mail.Protocols.Smtp.Forwarding;
using Mail.Shared.Directory;
using Microsoft.Extensions.Logging;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Mail.Protocols.Smtp;

/// <summary>
/// MAIL and RCPT policy of the MX (RFC 5321 §4.1.1.2-3): any sender; recipients only in local
/// domains, resolved through <see cref="MailForwarder.ResolveAsync"/> (the directory's aliases,
/// plus-addressing and forwarding; bounces to our SRS0 and SRS1 addresses). Refusals are thrown as <see cref="SmtpResponseException"/> so each carries
/// its own code: <c>550 5.1.1</c> unknown user, <c>554 5.7.1</c> relay denied (never an open
/// relay), <c>451 4.4.3</c> directory unavailable (<c>451 4.3.0</c> other lookup failures), <c>452 4.5.3</c> too many recipients.
/// </summary>
internal sealed class SmtpInMailboxFilter : IMailboxFilter
{
    private readonly MailForwarder _directory;
    private readonly BlockStage _block;
    private readonly SmtpInOptions _options;
    private readonly ILogger _logger;

    public SmtpInMailboxFilter(MailForwarder directory, BlockStage block, SmtpInOptions options, ILogger logger)
    {
        _directory = directory;
        _block = block;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Runs the block stage's MAIL checks (<see cref="BlockStage.CheckMailAsync"/>): the first
    /// tempfail/reject hit is the reply (<see cref="SmtpInReplies.ForBlock"/>), scored hits are kept
    /// for the scan stage.
    /// </remarks>
    public async Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        var connection = SmtpInSessionState.Get(context);
        connection.ResetTransaction();
        var sender = SenderOf(from);
        var first = !connection.ConnectionChecked;
        connection.ConnectionChecked = true;
        var hits = await _block.CheckMailAsync(connection.Remote.Address, connection.HeloName, sender, first, cancellationToken);
        foreach (var hit in hits)
        {
            if (hit.Action is CheckAction.Tempfail or CheckAction.Reject)
            {
                SmtpInLog.Blocked(_logger, connection.Remote, hit.Check, hit.Action);
                throw new SmtpResponseException(SmtpInReplies.ForBlock(hit, connection.Remote.Address));
            }
            (hit.Check == BlockCheck.Dnsbl ? connection.ConnectionBlockResults : connection.BlockResults).Add(hit.ToScanResult());
        }
        connection.BlockResults.InsertRange(0, connection.ConnectionBlockResults);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        var connection = SmtpInSessionState.Get(context);
        var address = to.User + "@" + to.Host;
        if (connection.Recipients.Count >= _options.MaxRecipients)
        {
            throw new SmtpResponseException(SmtpInReplies.TooManyRecipients);
        }
        RecipientResolution resolution;
        try
        {
            resolution = await _directory.ResolveAsync(address, cancellationToken);
        }
        catch (DirectoryUnavailableException ex)
        {
            SmtpInLog.DirectoryUnavailable(_logger, connection.Remote, address, ex);
            throw new SmtpResponseException(SmtpInReplies.DirectoryUnavailable(address));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SmtpInLog.LookupFailed(_logger, connection.Remote, address, ex);
            throw new SmtpResponseException(SmtpInReplies.LookupFailed(address));
        }
        if (resolution.Forwards.Count > 0 && !_directory.CanForward)
        {
            SmtpInLog.RecipientRefused(_logger, connection.Remote, address, "forwarding unavailable");
            if (resolution.Users.Count == 0)
            {
                throw new SmtpResponseException(SmtpInReplies.LookupFailed(address));
            }
            resolution = resolution with { Forwards = [] };
        }
        switch (resolution.Kind)
        {
            case RecipientKind.Local when resolution.Delivers:
                if (await _block.CheckRecipientAsync(connection.Remote.Address, SenderOf(from), address) is { } greylisted)
                {
                    SmtpInLog.Blocked(_logger, connection.Remote, greylisted.Check, greylisted.Action);
                    throw new SmtpResponseException(SmtpInReplies.ForBlock(greylisted, connection.Remote.Address));
                }
                connection.AddRecipient(address, resolution.Users, resolution.Forwards);
                return true;
            case RecipientKind.NotLocal:
                SmtpInLog.RecipientRefused(_logger, connection.Remote, address, "relay");
                throw new SmtpResponseException(SmtpInReplies.RelayDenied(address));
            default:
                SmtpInLog.RecipientRefused(_logger, connection.Remote, address, "unknown");
                throw new SmtpResponseException(SmtpInReplies.UnknownUser(address));
        }
    }

    /// <summary>The envelope sender as <c>user@host</c>, empty for the null sender.</summary>
    private static string SenderOf(IMailbox? from) =>
        from is null || (from.User.Length == 0 && from.Host.Length == 0) ? "" : from.User + "@" + from.Host;
}

/// <summary>Finds the <see cref="SmtpInConnection"/> of an SmtpServer session.</summary>
internal static class SmtpInSessionState
{
    public static SmtpInConnection Get(ISessionContext context) =>
        context.Properties.TryGetValue(SmtpInConnection.PropertyKey, out var value) && value is SmtpInConnection connection
            ? connection
            : throw new InvalidOperationException("SMTP-in session without connection state.");
}
