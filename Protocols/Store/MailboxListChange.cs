namespace Mail.Protocols.Store;

/// <summary>What changed in an account's list of mailbox names (IMAP NOTIFY MailboxName, SubscriptionChange and METADATA events, RFC 5465 §5.4-5.6).</summary>
public enum MailboxListChangeKind
{
    /// <summary>A mailbox was created (<see cref="MailboxListChange.Name"/>).</summary>
    Created,

    /// <summary>A mailbox was deleted.</summary>
    Deleted,

    /// <summary>A mailbox was renamed from <see cref="MailboxListChange.OldName"/> to <see cref="MailboxListChange.Name"/>.</summary>
    Renamed,

    /// <summary>A name was subscribed.</summary>
    Subscribed,

    /// <summary>A name was unsubscribed.</summary>
    Unsubscribed,

    /// <summary>METADATA entries (<see cref="MailboxListChange.Entries"/>) of a mailbox, or of the server when the name is empty, were set or removed.</summary>
    MetadataChanged,
}

/// <summary>One committed change to the mailbox list of an account, raised by <see cref="IAccountStore.MailboxListChanged"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Name">The mailbox name (store form, UTF-8, <c>/</c>-separated); empty for server METADATA.</param>
/// <param name="OldName">The previous name of a renamed mailbox, else null.</param>
/// <param name="Entries">The METADATA entry names that changed, else null.</param>
/// <param name="User">Who changed METADATA: its <c>/private/</c> entry names concern only that user.</param>
public sealed record MailboxListChange(MailboxListChangeKind Kind, string Name, string? OldName = null, IReadOnlyList<string>? Entries = null, string? User = null);
