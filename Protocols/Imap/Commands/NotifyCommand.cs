using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// NOTIFY NONE | NOTIFY SET [STATUS] (filter events) ... (RFC 5465 §3). Authenticated or selected state.
/// Filters: <c>selected</c>, <c>selected-delayed</c>, <c>personal</c>, <c>inboxes</c>, <c>subscribed</c>,
/// <c>subtree</c> and <c>mailboxes</c> with one mailbox or a list; events MessageNew (with fetch attributes for the
/// selected mailbox), MessageExpunge, FlagChange, MailboxName, SubscriptionChange, MailboxMetadataChange and
/// ServerMetadataChange. With <c>STATUS</c>, a STATUS response for every non-selected mailbox a message event applies to
/// comes before the tagged OK.
/// </summary>
/// <remarks>
/// <para>Replies: <c>NO [BADEVENT (supported events)]</c> for AnnotationChange (no ANNOTATE here) or an unknown event;
/// <c>BAD</c> for malformed syntax, a second selected filter, MessageNew without MessageExpunge (or the reverse) or
/// FlagChange without them for the selected mailbox (§5); more than <see cref="ImapLimits.MaxNotifyMailboxNames"/>
/// mailbox names: <c>NO [NOTIFICATIONOVERFLOW]</c>.</para>
/// </remarks>
public sealed class NotifyCommand : ImapCommand
{
    public const string WireName = "NOTIFY";
    private const string SupportedEvents = "MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange";
    private ImapNotifySettings? _settings;
    private bool _status;
    private bool _badEvent;
    private int _names;

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space())
        {
            return false;
        }
        if (tokenizer.TryKeyword("NONE"u8))
        {
            return true;
        }
        if (!tokenizer.TryKeyword("SET"u8) || !tokenizer.Space())
        {
            return tokenizer.Fail("Expected NONE or SET");
        }
        _settings = new ImapNotifySettings();
        if (tokenizer.TryKeyword("STATUS"u8))
        {
            _status = true;
            if (!tokenizer.Space())
            {
                return false;
            }
        }
        var selectedSet = false;
        var first = true;
        while (first || tokenizer.TryConsume((byte)' '))
        {
            first = false;
            if (!TryReadGroup(ref tokenizer, session, ref selectedSet))
            {
                return false;
            }
        }
        return true;
    }

    private bool TryReadGroup(ref ImapTokenizer t, ImapSession session, ref bool selectedSet)
    {
        if (!t.TryOpenList() || !t.TryReadAtom(out var filterAtom))
        {
            return t.Fail("Expected an event group");
        }
        var filter = Encoding.ASCII.GetString(filterAtom).ToUpperInvariant();
        var names = new List<string>();
        ImapNotifyFilter kind;
        switch (filter)
        {
            case "SELECTED" or "SELECTED-DELAYED":
                if (selectedSet)
                {
                    return t.Fail("Duplicate selected filter");
                }
                selectedSet = true;
                _settings!.SelectedDelayed = filter == "SELECTED-DELAYED";
                return t.Space() && TryReadEvents(ref t, session, selected: true, out var selectedEvents) && t.TryCloseList()
                    && ValidateSelected(ref t, selectedEvents);
            case "PERSONAL": kind = ImapNotifyFilter.Personal; break;
            case "INBOXES": kind = ImapNotifyFilter.Inboxes; break;
            case "SUBSCRIBED": kind = ImapNotifyFilter.Subscribed; break;
            case "SUBTREE" or "MAILBOXES":
                kind = filter == "SUBTREE" ? ImapNotifyFilter.Subtree : ImapNotifyFilter.Mailboxes;
                if (!t.Space() || !TryReadMailboxes(ref t, session, names))
                {
                    return false;
                }
                break;
            default:
                return t.Fail("Unknown mailbox filter " + filter);
        }
        if (!t.Space() || !TryReadEvents(ref t, session, selected: false, out var events) || !t.TryCloseList())
        {
            return false;
        }
        _names += names.Count;
        _settings!.Groups.Add(new ImapNotifyGroup(kind, names, events));
        return true;
    }

    private bool ValidateSelected(ref ImapTokenizer t, ImapNotifyEvents events)
    {
        const ImapNotifyEvents newOrExpunge = ImapNotifyEvents.MessageNew | ImapNotifyEvents.MessageExpunge;
        if ((events & newOrExpunge) != 0 && (events & newOrExpunge) != newOrExpunge)
        {
            return t.Fail("MessageNew and MessageExpunge must be given together");
        }
        if ((events & ImapNotifyEvents.FlagChange) != 0 && (events & newOrExpunge) == 0)
        {
            return t.Fail("FlagChange requires MessageNew and MessageExpunge");
        }
        _settings!.SelectedEvents = events;
        return true;
    }

    private static bool TryReadMailboxes(ref ImapTokenizer t, ImapSession session, List<string> names)
    {
        if (!t.TryOpenList())
        {
            if (!ImapCommandHelpers.TryReadMailbox(ref t, session, out var one))
            {
                return false;
            }
            names.Add(MailboxName.Normalize(one) ?? one);
            return true;
        }
        while (!t.TryCloseList())
        {
            if ((names.Count > 0 && !t.Space()) || !ImapCommandHelpers.TryReadMailbox(ref t, session, out var name))
            {
                return false;
            }
            names.Add(MailboxName.Normalize(name) ?? name);
        }
        return names.Count > 0 || t.Fail("Empty mailbox list");
    }

    /// <summary>Reads <c>NONE</c> or <c>(event ...)</c>; MessageNew may carry a fetch-att list in the selected filter.</summary>
    private bool TryReadEvents(ref ImapTokenizer t, ImapSession session, bool selected, out ImapNotifyEvents events)
    {
        events = ImapNotifyEvents.None;
        if (t.TryKeyword("NONE"u8))
        {
            return true;
        }
        if (!t.TryOpenList())
        {
            return t.Fail("Expected a list of events");
        }
        var count = 0;
        while (!t.TryCloseList())
        {
            if ((count++ > 0 && !t.Space()) || !t.TryReadAtom(out var atom))
            {
                return false;
            }
            var name = Encoding.ASCII.GetString(atom);
            if (!Enum.TryParse<ImapNotifyEvents>(name, ignoreCase: true, out var one) || one == ImapNotifyEvents.None || name.Contains(',', StringComparison.Ordinal) || char.IsDigit(name[0]))
            {
                _badEvent = true;
                continue;
            }
            if (one == ImapNotifyEvents.AnnotationChange)
            {
                _badEvent = true;
            }
            events |= one;
            if (one == ImapNotifyEvents.MessageNew && t.Peek() == ' ' && t.PeekAt(1) == '(')
            {
                if (!selected)
                {
                    return t.Fail("Fetch attributes are allowed only for the selected mailbox");
                }
                t.Space();
                if (!FetchCommand.TryParseNotifyAttributes(ref t, session, out var fetch))
                {
                    return false;
                }
                _settings!.SelectedFetch = fetch;
            }
        }
        return count > 0 || t.Fail("Empty event list");
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (_settings is null)
        {
            session.SetNotify(null);
            return ImapCommandResult.Ok("NOTIFY completed");
        }
        if (_badEvent)
        {
            return ImapCommandResult.No("Unsupported NOTIFY event", "BADEVENT (" + SupportedEvents + ")");
        }
        if (_names > session.Server.Options.Limits.MaxNotifyMailboxNames)
        {
            return ImapCommandResult.No("Too many mailbox names", "NOTIFICATIONOVERFLOW");
        }
        await session.StartNotifyAsync(_settings, _status, cancellationToken);
        return ImapCommandResult.Ok("NOTIFY completed");
    }
}
