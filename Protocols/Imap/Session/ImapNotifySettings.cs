using Mail.Protocols.Imap.Commands;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session;

/// <summary>The NOTIFY events (RFC 5465 §5), as flags.</summary>
[Flags]
public enum ImapNotifyEvents
{
    None = 0,

    /// <summary>§5.2: EXISTS (and the requested FETCH) in the selected mailbox, STATUS elsewhere.</summary>
    MessageNew = 1,

    /// <summary>§5.3: EXPUNGE/VANISHED in the selected mailbox, STATUS elsewhere.</summary>
    MessageExpunge = 2,

    /// <summary>§5.4: FETCH FLAGS in the selected mailbox, STATUS (HIGHESTMODSEQ) elsewhere.</summary>
    FlagChange = 4,

    /// <summary>§5.5: needs ANNOTATE (RFC 5257), which this server does not offer: <c>NO [BADEVENT]</c>.</summary>
    AnnotationChange = 8,

    /// <summary>§5.6: LIST for created, deleted (<c>\NonExistent</c>) and renamed (<c>OLDNAME</c>) mailboxes.</summary>
    MailboxName = 16,

    /// <summary>§5.7: LIST with or without <c>\Subscribed</c>.</summary>
    SubscriptionChange = 32,

    /// <summary>§5.8: unsolicited METADATA for a mailbox's entries.</summary>
    MailboxMetadataChange = 64,

    /// <summary>§5.9: unsolicited METADATA for the server's entries.</summary>
    ServerMetadataChange = 128,
}

/// <summary>The kind of a NOTIFY filter-mailboxes other than the selected ones (RFC 5465 §6).</summary>
internal enum ImapNotifyFilter
{
    Personal,
    Inboxes,
    Subscribed,
    Subtree,
    Mailboxes,
}

/// <summary>One event group of NOTIFY SET: which mailboxes, which events (RFC 5465 §3.1).</summary>
internal sealed record ImapNotifyGroup(ImapNotifyFilter Filter, IReadOnlyList<string> Names, ImapNotifyEvents Events)
{
    /// <summary>Whether <paramref name="name"/> (store form) falls under this filter.</summary>
    /// <remarks>
    /// Every mailbox of the account is personal; the "Other Users" namespace is not (RFC 5465 §6). <c>inboxes</c> is every
    /// personal mailbox, as Sieve rules may deliver into any of them (RFC 5465 §6 allows the server to include every
    /// mailbox that may receive mail).
    /// </remarks>
    public bool Matches(string name, IReadOnlySet<string> subscriptions) => Filter switch
    {
        ImapNotifyFilter.Personal or ImapNotifyFilter.Inboxes => !Acl.ImapSharedNamespace.IsShared(name),
        ImapNotifyFilter.Subscribed => subscriptions.Contains(name),
        ImapNotifyFilter.Subtree => Names.Any(n => name == n || name.StartsWith(n + MailboxName.Separator, StringComparison.Ordinal)),
        ImapNotifyFilter.Mailboxes => Names.Contains(name, StringComparer.Ordinal),
        _ => false,
    };

    /// <summary>Whether the filter can name a mailbox of the "Other Users" namespace (subscribed, subtree or mailboxes).</summary>
    public bool CanMatchShared => Filter switch
    {
        ImapNotifyFilter.Subscribed => true,
        ImapNotifyFilter.Subtree => Names.Any(n => Acl.ImapSharedNamespace.IsShared(n) || Acl.ImapSharedNamespace.IsShared(n + MailboxName.Separator)),
        ImapNotifyFilter.Mailboxes => Names.Any(Acl.ImapSharedNamespace.IsShared),
        _ => false,
    };
}

/// <summary>
/// A session's NOTIFY SET (RFC 5465 §3.1): the events for the selected mailbox, the event groups for the others (the first
/// group naming a mailbox decides its events) and the fetch attributes sent with MessageNew in the selected mailbox.
/// </summary>
internal sealed class ImapNotifySettings
{
    /// <summary>Events reported for the selected mailbox (between commands and in IDLE).</summary>
    public ImapNotifyEvents SelectedEvents { get; set; }

    /// <summary><c>selected-delayed</c>: expunges wait for a command that allows them (RFC 5465 §6).</summary>
    public bool SelectedDelayed { get; set; }

    /// <summary>The MessageNew fetch attributes for the selected mailbox (a UID FETCH run for each new message), or null.</summary>
    public FetchCommand? SelectedFetch { get; set; }

    /// <summary>Groups for mailboxes other than the selected one, in command order.</summary>
    public List<ImapNotifyGroup> Groups { get; } = [];

    /// <summary>Every event named anywhere.</summary>
    public ImapNotifyEvents AllEvents => Groups.Aggregate(SelectedEvents, (all, g) => all | g.Events);

    /// <summary>The events of the first group that matches <paramref name="name"/>; none when no group does.</summary>
    public ImapNotifyEvents EventsFor(string name, IReadOnlySet<string> subscriptions) =>
        Groups.FirstOrDefault(g => g.Matches(name, subscriptions))?.Events ?? ImapNotifyEvents.None;

    /// <summary>Whether <paramref name="events"/> names a message event (MessageNew, MessageExpunge, FlagChange).</summary>
    public static bool HasMessageEvents(ImapNotifyEvents events) =>
        (events & (ImapNotifyEvents.MessageNew | ImapNotifyEvents.MessageExpunge | ImapNotifyEvents.FlagChange)) != 0;
}
