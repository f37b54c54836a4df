using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Commands;

/// <summary>Argument and result helpers shared by the commands.</summary>
internal static class ImapCommandHelpers
{
    /// <summary>Reads a mailbox name (astring) and converts it to the store form (modified UTF-7 or UTF-8, INBOX canonical).</summary>
    public static bool TryReadMailbox(ref ImapTokenizer tokenizer, ImapSession session, out string name)
    {
        name = "";
        if (!tokenizer.TryReadAString(out var wire))
        {
            return false;
        }
        name = ImapMailboxName.FromWire(wire, session.Utf8);
        return true;
    }

    /// <summary>Writes a mailbox name in the session's wire form.</summary>
    public static void WriteMailbox(ImapSession session, string name) =>
        session.Out.String(ImapMailboxName.ToWire(name, session.Utf8));

    /// <summary>Maps a store status to the tagged reply (RFC 5530 response codes).</summary>
    public static ImapCommandResult ToResult(StoreStatus status, string okText) => status switch
    {
        StoreStatus.Ok => ImapCommandResult.Ok(okText),
        StoreStatus.NoSuchMailbox => ImapCommandResult.No("No such mailbox", "NONEXISTENT"),
        StoreStatus.AlreadyExists => ImapCommandResult.No("Mailbox already exists", "ALREADYEXISTS"),
        StoreStatus.InvalidName => ImapCommandResult.No("Invalid mailbox name", "CANNOT"),
        StoreStatus.NotAllowed => ImapCommandResult.No("Operation not allowed on this mailbox", "CANNOT"),
        StoreStatus.HasChildren => ImapCommandResult.No("Mailbox has children", "HASCHILDREN"),
        StoreStatus.OverQuota => ImapCommandResult.No("Quota exceeded", "OVERQUOTA"),
        StoreStatus.TooBig => ImapCommandResult.No("Message too big", "TOOBIG"),
        _ => throw new InvalidOperationException("Unknown store status."),
    };

    /// <summary>
    /// Checks a resolved mailbox for <paramref name="needed"/> rights (RFC 4314 §4): null when allowed;
    /// <c>NO [NONEXISTENT]</c> when it does not exist or is another user's and grants nothing (so its
    /// existence is not revealed, §6); <c>NO [NOPERM]</c> (RFC 5530) when a right is missing.
    /// </summary>
    public static ImapCommandResult? Require(ImapMailboxTarget? target, MailboxRights needed)
    {
        if (target?.Info is null || target.Rights == MailboxRights.None)
        {
            return ImapCommandResult.No("No such mailbox", "NONEXISTENT");
        }
        return target.Has(needed) ? null : NoPermission(needed);
    }

    /// <summary><c>NO [NOPERM]</c> naming the missing rights.</summary>
    public static ImapCommandResult NoPermission(MailboxRights needed) =>
        ImapCommandResult.No("Permission denied (needs right " + MailboxRightsText.FormatStored(needed) + ")", "NOPERM");

    /// <summary>
    /// The rights a flag change needs (RFC 4314 §4): <c>s</c> for \Seen, <c>t</c> for \Deleted, <c>w</c> for
    /// the other flags and keywords.
    /// </summary>
    public static MailboxRights RightsForFlags(MessageFlags flags, bool keywords)
    {
        var needed = MailboxRights.None;
        if ((flags & MessageFlags.Seen) != 0)
        {
            needed |= MailboxRights.Seen;
        }
        if ((flags & MessageFlags.Deleted) != 0)
        {
            needed |= MailboxRights.DeleteMessages;
        }
        if ((flags & ~(MessageFlags.Seen | MessageFlags.Deleted)) != 0 || keywords)
        {
            needed |= MailboxRights.Write;
        }
        return needed;
    }

    /// <summary>The flags of <paramref name="flags"/> that <paramref name="rights"/> allow to be set (APPEND/COPY into a shared mailbox silently drops the others, RFC 4314 §4).</summary>
    public static MessageFlags AllowedFlags(MessageFlags flags, MailboxRights rights)
    {
        if ((rights & MailboxRights.Seen) == 0)
        {
            flags &= ~MessageFlags.Seen;
        }
        if ((rights & MailboxRights.DeleteMessages) == 0)
        {
            flags &= ~MessageFlags.Deleted;
        }
        if ((rights & MailboxRights.Write) == 0)
        {
            flags &= MessageFlags.Seen | MessageFlags.Deleted;
        }
        return flags;
    }

    /// <summary>Parses a flag (system flag or keyword atom) into <paramref name="flags"/>/<paramref name="keywords"/>; \Recent is ignored.</summary>
    public static bool TryReadFlag(ref ImapTokenizer tokenizer, ref MessageFlags flags, List<string> keywords)
    {
        var system = tokenizer.TryConsume((byte)'\\');
        if (!tokenizer.TryReadAtom(out var atom))
        {
            return false;
        }
        var text = System.Text.Encoding.ASCII.GetString(atom);
        if (!system)
        {
            if (!keywords.Contains(text, StringComparer.OrdinalIgnoreCase))
            {
                keywords.Add(text);
            }
            return true;
        }
        switch (text.ToUpperInvariant())
        {
            case "SEEN": flags |= MessageFlags.Seen; break;
            case "ANSWERED": flags |= MessageFlags.Answered; break;
            case "FLAGGED": flags |= MessageFlags.Flagged; break;
            case "DELETED": flags |= MessageFlags.Deleted; break;
            case "DRAFT": flags |= MessageFlags.Draft; break;
            case "RECENT": break;
            default: return tokenizer.Fail("Unknown system flag");
        }
        return true;
    }

    /// <summary>Parses <c>(flag ...)</c>.</summary>
    public static bool TryReadFlagList(ref ImapTokenizer tokenizer, out MessageFlags flags, out List<string> keywords)
    {
        flags = MessageFlags.None;
        keywords = [];
        if (!tokenizer.TryOpenList())
        {
            return tokenizer.Fail("Expected a flag list");
        }
        var first = true;
        while (!tokenizer.TryCloseList())
        {
            if (tokenizer.HasError || (!first && !tokenizer.Space()) || !TryReadFlag(ref tokenizer, ref flags, keywords))
            {
                return false;
            }
            first = false;
        }
        return true;
    }

    /// <summary>MAILBOXID (RFC 8474 §4): <c>F</c> and the mailbox's row id, which survives RENAME and is never reused.</summary>
    public static string MailboxId(long id) => "F" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
