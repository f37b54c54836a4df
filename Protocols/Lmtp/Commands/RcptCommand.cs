using Mail.Protocols.Smtp.Forwarding;
using Mail.Shared.Directory;

namespace Mail.Protocols.Lmtp.Commands;

/// <summary>
/// RCPT TO:&lt;forward-path&gt; (RFC 5321 §4.1.1.3), after MAIL. Recipients are resolved as on SMTP-in, through
/// <see cref="MailForwarder.ResolveAsync"/> (aliases, plus-addressing, SRS0 and SRS1 bounces): local mailboxes and forwarding
/// entries (mailRoutingAddress, aliases to external addresses; queued at DATA) get <c>250 2.1.5</c>; <c>550 5.1.1</c>
/// unknown user; <c>550 5.7.1</c> domain not local; <c>451 4.4.3</c> directory unavailable; <c>451 4.3.0</c> a
/// forward-only recipient on a node without the outbound queue (<see cref="MailForwarder.CanForward"/>, as SMTP-in); <c>452 4.5.3</c> over <see cref="LmtpOptions.MaxRecipients"/>; <c>501 5.5.4</c> bad syntax.
/// RCPT takes no parameters here (none are advertised).
/// </summary>
internal sealed class RcptCommand : ILmtpCommand
{
    public const string Command = "RCPT";

    public string Name => Command;

    public async Task ExecuteAsync(LmtpSession session, LmtpRequest request, CancellationToken cancellationToken)
    {
        var transaction = session.Transaction!;
        if (LmtpTokenizer.ParsePath(request.Argument, "TO:") is not { } path || path.Address.Length == 0)
        {
            await session.WriteLineAsync("501 5.5.4 syntax: RCPT TO:<address>", cancellationToken);
            return;
        }
        if (path.Parameters.Count > 0)
        {
            await session.WriteLineAsync($"555 5.5.4 unsupported parameter {path.Parameters.Keys.First()}", cancellationToken);
            return;
        }
        if (transaction.Recipients.Count >= session.Options.MaxRecipients)
        {
            LmtpLog.Rejected(session.Logger, session.Remote, LmtpRejectReason.TooManyRecipients);
            await session.WriteLineAsync("452 4.5.3 too many recipients", cancellationToken);
            return;
        }
        RecipientResolution resolution;
        try
        {
            resolution = await session.Services.Forwarder.ResolveAsync(path.Address, cancellationToken);
        }
        catch (DirectoryUnavailableException ex)
        {
            LmtpLog.DirectoryUnavailable(session.Logger, session.Remote, path.Address, ex);
            await session.WriteLineAsync($"451 4.4.3 <{path.Address}>: directory unavailable, try again later", cancellationToken);
            return;
        }
        if (resolution.Forwards.Count > 0 && !session.Services.Forwarder.CanForward)
        {
            LmtpLog.RecipientRefused(session.Logger, session.Remote, path.Address, "forwarding unavailable");
            if (resolution.Users.Count == 0)
            {
                await session.WriteLineAsync($"451 4.3.0 <{path.Address}>: forwarding unavailable on this node, try again later", cancellationToken);
                return;
            }
            resolution = resolution with { Forwards = [] };
        }
        switch (resolution.Kind)
        {
            case RecipientKind.Local when resolution.Delivers:
                transaction.Recipients.Add(new LmtpRecipient(path.Address, resolution.Users, resolution.Forwards));
                session.State = LmtpState.Recipients;
                await session.WriteLineAsync($"250 2.1.5 <{path.Address}> recipient OK", cancellationToken);
                return;
            case RecipientKind.NotLocal:
                LmtpLog.RecipientRefused(session.Logger, session.Remote, path.Address, "not local");
                await session.WriteLineAsync($"550 5.7.1 <{path.Address}>: not a local mailbox, LMTP does not relay", cancellationToken);
                return;
            default:
                LmtpLog.RecipientRefused(session.Logger, session.Remote, path.Address, "unknown");
                await session.WriteLineAsync($"550 5.1.1 <{path.Address}>: no such user", cancellationToken);
                return;
        }
    }
}
