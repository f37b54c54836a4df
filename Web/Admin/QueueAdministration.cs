using Mail.Protocols.Smtp.Outbound;

namespace Mail.Web.Admin;

/// <summary>
/// The outbound-queue operations of the management CLI and the web admin panel: list, show (entry and message header),
/// and retry/hold/release/delete. The queue is written only by the server's Outbound role: a change is a request file
/// (<see cref="OutboundQueueStore.RequestControl"/>) that the running role applies at once, or at its next start.
/// Every request is logged with who asked (<see cref="AdminLog"/>).
/// </summary>
/// <param name="store">The queue of this node's data path.</param>
/// <param name="logger">Audit log.</param>
public sealed class QueueAdministration(OutboundQueueStore store, ILogger<QueueAdministration> logger)
{
    /// <summary>How long a request waits for the Outbound role to apply it, by default (the CLI's and the panel's).</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    /// <summary>The verbs of <see cref="ControlAsync"/>, in the order the panel shows them.</summary>
    public static IReadOnlyList<string> Verbs { get; } = ["retry", "hold", "release", "delete"];

    /// <summary>Every queued message, oldest first.</summary>
    public IReadOnlyList<OutboundQueueEntry> List() => store.ReadAll();

    /// <summary>One queued message, or null when there is none (or <paramref name="id"/> is malformed).</summary>
    public OutboundQueueEntry? Find(string id) => store.Read(id ?? "");

    /// <summary>The header lines of a queued message (up to the first empty line), or null when it left the queue.</summary>
    public async Task<IReadOnlyList<string>?> ReadHeaderAsync(string id, CancellationToken cancellationToken)
    {
        if (store.Read(id ?? "") is null)
        {
            return null;
        }
        try
        {
            await using var message = store.OpenMessage(id!);
            using var reader = new StreamReader(message);
            var lines = new List<string>();
            while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 } line)
            {
                lines.Add(line);
            }
            return lines;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Asks the Outbound role to <paramref name="verb"/> (one of <see cref="Verbs"/>) the message <paramref name="id"/> and waits
    /// up to <paramref name="wait"/> for it to be applied.
    /// </summary>
    /// <returns><see cref="QueueControlOutcome.NotFound"/> for no such message (or an unknown verb), <see cref="QueueControlOutcome.Done"/>
    /// when the role applied it within the wait, else <see cref="QueueControlOutcome.Requested"/> (applied when the role runs).</returns>
    public async Task<QueueControlOutcome> ControlAsync(string actor, string id, string verb, TimeSpan wait, CancellationToken cancellationToken)
    {
        QueueControlOutcome outcome;
        if (!OutboundQueueStore.ControlVerbs.Contains(verb ?? "") || store.Read(id ?? "") is null)
        {
            outcome = QueueControlOutcome.NotFound;
        }
        else
        {
            var path = store.RequestControl(id!, verb!);
            var deadline = DateTime.UtcNow + wait;
            while (File.Exists(path) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
            outcome = File.Exists(path) ? QueueControlOutcome.Requested : QueueControlOutcome.Done;
        }
        AdminLog.QueueControlled(logger, actor, verb ?? "", id ?? "", outcome);
        return outcome;
    }
}

/// <summary>Outcome of <see cref="QueueAdministration.ControlAsync"/>.</summary>
public enum QueueControlOutcome
{
    /// <summary>No such queued message.</summary>
    NotFound,
    /// <summary>The Outbound role applied the request.</summary>
    Done,
    /// <summary>The request waits for the Outbound role (not running, or busy delivering that message).</summary>
    Requested,
}
