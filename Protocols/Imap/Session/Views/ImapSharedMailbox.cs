using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session.Views;

/// <summary>
/// The shared view of one mailbox on this node (<see cref="ImapMailboxViews"/>): the latest
/// <see cref="ImapMailboxSnapshot"/>, marked stale by the store's change event and brought up to date on demand by
/// applying the changes since its HIGHESTMODSEQ (<see cref="IAccountStore.GetChangesSinceAsync"/>), so the 100,000
/// records of a large mailbox are read once per node, not once per SELECT or per change.
/// </summary>
public sealed class ImapSharedMailbox : IDisposable
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Published? _published;
    private long _generation = 1;

    internal ImapSharedMailbox(IAccountStore store, long mailboxId)
    {
        Store = store;
        MailboxId = mailboxId;
        SortKeys = new ImapSortKeyCache(store, mailboxId);
    }

    /// <summary>The SORT keys of the mailbox's messages, read from the store's index once for all sessions and versions.</summary>
    public ImapSortKeyCache SortKeys { get; }

    /// <summary>The store the mailbox lives in (the owner's for a shared mailbox).</summary>
    public IAccountStore Store { get; }

    public long MailboxId { get; }

    /// <summary>Sessions holding the view (guarded by the registry's lock).</summary>
    internal int Holders { get; set; }

    /// <summary>Full loads since the view was created (the first SELECT, or a count that did not add up).</summary>
    public int Loads { get; private set; }

    /// <summary>Incremental refreshes since the view was created.</summary>
    public int Refreshes { get; private set; }

    /// <summary>The snapshot as last refreshed, without asking the store (null before the first load).</summary>
    public ImapMailboxSnapshot? Peek => Volatile.Read(ref _published)?.Snapshot;

    /// <summary>Disposes the refresh lock (the registry does, when the last holder lets go).</summary>
    public void Dispose()
    {
        _refresh.Dispose();
        SortKeys.Dispose();
    }

    /// <summary>Marks the view out of date: a change was committed in the mailbox. Call before waking the sessions.</summary>
    public void MarkStale() => Interlocked.Increment(ref _generation);

    internal void OnMailboxChanged(long mailboxId)
    {
        if (mailboxId == MailboxId)
        {
            MarkStale();
        }
    }

    /// <summary>
    /// The current snapshot: the cached one when no change arrived since it was read, else the cached one with the store's
    /// changes applied (a full load the first time, or if the message count does not add up, e.g. after a rename of INBOX).
    /// </summary>
    /// <remarks>
    /// Staleness is a generation counter, not a flag: a snapshot is published with the generation taken before its store
    /// read, so a change marked before a caller's check is never answered with a snapshot read before that change, even
    /// while another session's refresh is in flight.
    /// </remarks>
    public async ValueTask<ImapMailboxSnapshot> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var generation = Interlocked.Read(ref _generation);
        var published = Volatile.Read(ref _published);
        if (published is not null && published.Generation == generation)
        {
            return published.Snapshot;
        }
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            generation = Interlocked.Read(ref _generation);
            published = _published;
            if (published is not null && published.Generation == generation)
            {
                return published.Snapshot;
            }
            var next = await ReadAsync(published?.Snapshot, cancellationToken);
            Volatile.Write(ref _published, new Published(next, generation));
            return next;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<ImapMailboxSnapshot> ReadAsync(ImapMailboxSnapshot? current, CancellationToken cancellationToken)
    {
        if (current is not null)
        {
            var changes = await Store.GetChangesSinceAsync(MailboxId, current.HighestModSeq, cancellationToken);
            if (changes is null)
            {
                return new ImapMailboxSnapshot([], current.HighestModSeq);
            }
            var next = current.Apply(changes);
            if (next.Records.Length == changes.Count)
            {
                Refreshes++;
                return next;
            }
        }
        var all = await Store.GetChangesSinceAsync(MailboxId, 0, cancellationToken);
        Loads++;
        return all is null ? new ImapMailboxSnapshot([], 0) : new ImapMailboxSnapshot([.. all.Changed], all.HighestModSeq);
    }

    /// <summary>A snapshot and the change generation it reflects.</summary>
    private sealed record Published(ImapMailboxSnapshot Snapshot, long Generation);
}
