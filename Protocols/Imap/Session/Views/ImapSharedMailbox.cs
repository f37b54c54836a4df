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
    private ImapMailboxSnapshot? _current;
    private int _stale = 1;

    internal ImapSharedMailbox(IAccountStore store, long mailboxId)
    {
        Store = store;
        MailboxId = mailboxId;
    }

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
    public ImapMailboxSnapshot? Peek => Volatile.Read(ref _current);

    /// <summary>Disposes the refresh lock (the registry does, when the last holder lets go).</summary>
    public void Dispose() => _refresh.Dispose();

    /// <summary>Marks the view out of date: a change was committed in the mailbox. Call before waking the sessions.</summary>
    public void MarkStale() => Volatile.Write(ref _stale, 1);

    internal void OnMailboxChanged(long mailboxId)
    {
        if (mailboxId == MailboxId)
        {
            MarkStale();
        }
    }

    /// <summary>
    /// The current snapshot: the cached one when no change arrived since, else the cached one with the store's changes
    /// applied (a full load the first time, or if the message count does not add up, e.g. after a rename of INBOX).
    /// </summary>
    public async ValueTask<ImapMailboxSnapshot> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && Volatile.Read(ref _stale) == 0)
        {
            return current;
        }
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            current = _current;
            if (current is not null && Volatile.Read(ref _stale) == 0)
            {
                return current;
            }
            // Cleared before reading: a commit whose event arrives from now on makes the next call read again.
            Volatile.Write(ref _stale, 0);
            ImapMailboxSnapshot next;
            try
            {
                next = await ReadAsync(current, cancellationToken);
            }
            catch
            {
                MarkStale();
                throw;
            }
            Volatile.Write(ref _current, next);
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
}
