using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session.Views;

/// <summary>
/// The shared per-mailbox views of this node, one per (store, mailbox id), held by the sessions that selected the
/// mailbox and evicted when the last one lets go. Thread-safe.
/// </summary>
public sealed class ImapMailboxViews
{
    private readonly Dictionary<(IAccountStore Store, long MailboxId), ImapSharedMailbox> _views = [];
    private readonly Lock _lock = new();

    /// <summary>How many mailboxes have a view now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _views.Count;
            }
        }
    }

    /// <summary>The view of a mailbox if some session holds it (diagnostics and tests).</summary>
    public ImapSharedMailbox? Find(IAccountStore store, long mailboxId)
    {
        lock (_lock)
        {
            return _views.GetValueOrDefault((store, mailboxId));
        }
    }

    /// <summary>Takes a hold on the mailbox's view, creating it (and subscribing it to the store's changes) if needed.</summary>
    public ImapSharedMailbox Acquire(IAccountStore store, long mailboxId)
    {
        lock (_lock)
        {
            if (!_views.TryGetValue((store, mailboxId), out var view))
            {
                view = new ImapSharedMailbox(store, mailboxId);
                store.MailboxChanged += view.OnMailboxChanged;
                _views[(store, mailboxId)] = view;
            }
            view.Holders++;
            return view;
        }
    }

    /// <summary>Lets go of a view taken with <see cref="Acquire"/>; the last holder evicts it.</summary>
    public void Release(ImapSharedMailbox view)
    {
        lock (_lock)
        {
            if (--view.Holders > 0)
            {
                return;
            }
            _views.Remove((view.Store, view.MailboxId));
            view.Store.MailboxChanged -= view.OnMailboxChanged;
        }
        view.Dispose();
    }
}
