using Mail.Protocols.Imap.Acl;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Session;

// Shared mailboxes (RFC 4314 ACL, RFC 2342 "Other Users" namespace): name resolution and change events.
public sealed partial class ImapSession
{
    private readonly Dictionary<string, IAccountStore?> _owners = new(StringComparer.Ordinal);
    private IAccountStore? _watchedStore;

    /// <summary>
    /// Resolves a mailbox name (store form) to where it lives and the user's rights on it. Own names resolve
    /// to the session's account with every right. Names in the "Other Users" namespace resolve to the owner's
    /// store when the owner is another enabled user of the same domain on the same mailbox node (directory
    /// <c>mailHost</c>); null otherwise, and for the namespace root and owner levels, which are not mailboxes.
    /// </summary>
    internal async ValueTask<ImapMailboxTarget?> ResolveMailboxAsync(string name, CancellationToken cancellationToken, bool counts = true)
    {
        var account = Account!;
        if (!ImapSharedNamespace.IsShared(name))
        {
            var own = counts ? await account.GetMailboxAsync(name, cancellationToken) : await account.FindMailboxAsync(name, cancellationToken);
            return new ImapMailboxTarget(account, account.Account, name, name, own, MailboxRights.All, IsShared: false);
        }
        if (!ImapSharedNamespace.TrySplit(name, out var owner, out var mailbox) || mailbox.Length == 0
            || await OpenOwnerAsync(owner, cancellationToken) is not { } store)
        {
            return null;
        }
        var info = counts ? await store.GetMailboxAsync(mailbox, cancellationToken) : await store.FindMailboxAsync(mailbox, cancellationToken);
        var rights = info is null ? MailboxRights.None : await Server.Acl.GetRightsAsync(owner, info.Id, User!, cancellationToken);
        var storeName = info?.Name ?? mailbox;
        return new ImapMailboxTarget(store, owner, storeName, ImapSharedNamespace.Combine(owner, storeName), info, rights, IsShared: true);
    }

    /// <summary>The id of the selected mailbox when it is one of the user's own (NOTIFY compares own mailbox ids only), else null.</summary>
    internal long? SelectedOwnId => Selected is { IsShared: false } selected ? selected.Id : null;

    /// <summary>One of the user's own mailboxes as a target with every right.</summary>
    internal ImapMailboxTarget OwnTarget(MailboxInfo info) =>
        new(Account!, Account!.Account, info.Name, info.Name, info, MailboxRights.All, IsShared: false);

    /// <summary>
    /// Every mailbox other users shared with the session's user that it may see (right <c>l</c>), with its
    /// client-visible name, sorted by name.
    /// </summary>
    internal async ValueTask<IReadOnlyList<ImapMailboxTarget>> ListSharedAsync(CancellationToken cancellationToken)
    {
        var result = new List<ImapMailboxTarget>();
        foreach (var owner in await Server.Acl.GetOwnersSharingWithAsync(User!, cancellationToken))
        {
            if (await OpenOwnerAsync(owner, cancellationToken) is not { } store)
            {
                continue;
            }
            var grants = await Server.Acl.GetGrantsAsync(owner, User!, cancellationToken);
            foreach (var info in await store.ListMailboxesAsync(cancellationToken))
            {
                if (grants.TryGetValue(info.Id, out var rights) && (rights & MailboxRights.Lookup) != 0)
                {
                    result.Add(new ImapMailboxTarget(store, owner, info.Name, ImapSharedNamespace.Combine(owner, info.Name), info, rights, IsShared: true));
                }
            }
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    /// <summary>
    /// The store of <paramref name="owner"/> when it may share with the session's user: another user of
    /// the same domain, present and enabled in the directory, on the same mailbox node. Remembered for
    /// the session.
    /// </summary>
    internal async ValueTask<IAccountStore?> OpenOwnerAsync(string owner, CancellationToken cancellationToken)
    {
        if (_owners.TryGetValue(owner, out var cached))
        {
            return cached;
        }
        IAccountStore? store = null;
        if (owner != User && MailboxAclStore.SameDomain(owner, User!) && await SameNodeUserAsync(owner, cancellationToken))
        {
            // The grantee's \Seen is its own (RFC 4314 §4, PrivateView): every command on the shared mailbox goes through the view.
            store = (await Server.Store.OpenAccountAsync(owner, cancellationToken)).PrivateView(User!);
        }
        _owners[owner] = store;
        return store;
    }

    /// <summary>True when <paramref name="address"/> is an enabled user whose <c>mailHost</c> is the session user's.</summary>
    internal async ValueTask<bool> SameNodeUserAsync(string address, CancellationToken cancellationToken)
    {
        var other = await Server.Directory.FindUserAsync(address, cancellationToken);
        if (other is not { Enabled: true } || !string.Equals(other.Address, address, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var me = await Server.Directory.FindUserAsync(User!, cancellationToken);
        return me is not null && string.Equals(me.MailHost, other.MailHost, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Before each command on a selected shared mailbox: re-reads the user's rights, so that a revoked grant
    /// takes effect at once. When <c>r</c> is gone the mailbox is deselected and a command that needs the
    /// Selected state gets <c>NO [NOPERM]</c>; other commands run in the Authenticated state.
    /// </summary>
    private async ValueTask<ImapCommandResult?> RevokedSelectionAsync(string commandName, CancellationToken cancellationToken)
    {
        if (Selected is not { IsShared: true } selected)
        {
            return null;
        }
        selected.Rights = await Server.Acl.GetRightsAsync(selected.Store.Account, selected.Id, User!, cancellationToken);
        if ((selected.Rights & MailboxRights.Read) != 0)
        {
            return null;
        }
        ClearSelected();
        return ImapStateTable.AllowedStates(commandName) == ImapState.Selected
            ? ImapCommandResult.No("Access to the selected mailbox was revoked", "NOPERM") with { SkipSync = true }
            : null;
    }

    private void WatchSharedStore(IAccountStore store)
    {
        if (ReferenceEquals(store, Account))
        {
            return;
        }
        _watchedStore = store;
        store.MailboxChanged += OnSharedMailboxChanged;
    }

    private void UnwatchSharedStore()
    {
        if (_watchedStore is { } store)
        {
            store.MailboxChanged -= OnSharedMailboxChanged;
            _watchedStore = null;
        }
    }

    private void OnSharedMailboxChanged(long mailboxId)
    {
        var selected = Selected;
        if (selected is not null && selected.Id == mailboxId && ReferenceEquals(selected.Store, _watchedStore))
        {
            selected.View.MarkStale();
            SignalChange();
        }
    }
}
