using System.Buffers;
using System.Text;
using Mail.Protocols.Smtp.Forwarding;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>
/// The local shortcut: recipients in local domains are stored through the same inbound route as SMTP-in
/// (<see cref="IMailDirectory.ResolveRecipientAsync"/>, then <see cref="IMailStore.DeliverAsync(IReadOnlyList{string}, Stream, DateTimeOffset, CancellationToken)"/> once per
/// distinct account, with a <c>Return-Path</c> in front), never over the network. Available where the node
/// also runs the Mailbox role; elsewhere local domains go out by MX like any other. Recipients that forward
/// (and bounces to our SRS domain) are queued again through <see cref="MailForwarder"/>.
/// </summary>
internal sealed class LocalDeliveryAgent(IMailDirectory directory, MailForwarder forwarder, IServiceProvider services, OutboundQueueStore queue, TimeProvider time)
{
    private readonly IMailStore? _store = services.GetService<IMailStore>();

    /// <summary>True when <paramref name="domain"/> is our SRS domain, or local and this node can store into mailboxes.</summary>
    /// <exception cref="DirectoryUnavailableException">The directory is down (the caller retries).</exception>
    public async Task<bool> HandlesAsync(string domain, CancellationToken cancellationToken) =>
        domain.Equals(forwarder.Srs.Domain, StringComparison.OrdinalIgnoreCase)
        || (_store is not null && await directory.IsLocalDomainAsync(domain, cancellationToken));

    /// <summary>Stores the message for <paramref name="recipients"/>: per recipient delivered, failed (unknown user, too big) or pending (over quota, I/O).</summary>
    public async Task<List<DeliveryResult>> DeliverAsync(OutboundQueueEntry entry, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var results = new List<DeliveryResult>();
        var byRecipient = new List<(string Recipient, IReadOnlyList<string> Accounts)>();
        foreach (var recipient in recipients)
        {
            var resolution = await forwarder.ResolveAsync(recipient, cancellationToken);
            if (resolution.Delivers && (resolution.Users.Count == 0 || _store is not null))
            {
                if (resolution.Forwards.Count > 0)
                {
                    await using var original = queue.OpenMessage(entry.Id);
                    var id = await forwarder.ForwardAsync(entry.Sender, recipient, resolution.Forwards, original, cancellationToken);
                    if (resolution.Users.Count == 0)
                    {
                        results.Add(new(recipient, OutboundRecipientStatus.Delivered, $"250 2.0.0 forwarded as {id}", "local"));
                        continue;
                    }
                }
                byRecipient.Add((recipient, resolution.Users));
            }
            else
            {
                results.Add(new(recipient, OutboundRecipientStatus.Failed, $"550 5.1.1 <{recipient}>: Recipient address rejected: User unknown in local recipient table", "local"));
            }
        }
        if (byRecipient.Count == 0)
        {
            return results;
        }
        var accounts = byRecipient.SelectMany(r => r.Accounts).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var returnPath = Encoding.UTF8.GetBytes($"Return-Path: <{entry.Sender}>\r\n");
        IReadOnlyList<DeliveryOutcome> outcomes;
        await using (var file = queue.OpenMessage(entry.Id))
        {
            var body = new byte[file.Length];
            await file.ReadExactlyAsync(body, cancellationToken);
            await using var message = new ConcatenatedReadStream(new ReadOnlySequence<byte>(returnPath), new ReadOnlySequence<byte>(body));
            outcomes = await _store!.DeliverAsync(accounts, message, time.GetUtcNow(), cancellationToken);
        }
        var byAccount = outcomes.ToDictionary(o => o.Account, o => o.Status, StringComparer.OrdinalIgnoreCase);
        foreach (var (recipient, mapped) in byRecipient)
        {
            var statuses = mapped.Select(a => byAccount.TryGetValue(a, out var s) ? s : StoreStatus.Ok).ToList();
            results.Add(statuses.All(s => s == StoreStatus.Ok)
                ? new(recipient, OutboundRecipientStatus.Delivered, "250 2.0.0 delivered to mailbox", "local", "delivered")
                : statuses.Contains(StoreStatus.TooBig)
                    ? new(recipient, OutboundRecipientStatus.Failed, "552 5.3.4 Message too big for mailbox", "local")
                    : statuses.Contains(StoreStatus.OverQuota)
                        ? new(recipient, OutboundRecipientStatus.Pending, "452 4.2.2 Mailbox full", "local")
                        : new(recipient, OutboundRecipientStatus.Pending, "451 4.3.0 local delivery failed", "local"));
        }
        return results;
    }
}
