using System.Text;

namespace Mail.Protocols.Store.Acl;

/// <summary>The access rights of RFC 4314 §2.1, one bit per right letter.</summary>
[Flags]
public enum MailboxRights
{
    None = 0,

    /// <summary><c>l</c>: the mailbox is visible to LIST/LSUB, SUBSCRIBE.</summary>
    Lookup = 1,

    /// <summary><c>r</c>: SELECT, EXAMINE, STATUS, FETCH, SEARCH, COPY from.</summary>
    Read = 2,

    /// <summary><c>s</c>: keep \Seen across sessions (STORE/APPEND/COPY \Seen, implicit \Seen of FETCH).</summary>
    Seen = 4,

    /// <summary><c>w</c>: set or clear flags other than \Seen and \Deleted.</summary>
    Write = 8,

    /// <summary><c>i</c>: APPEND, COPY/MOVE into.</summary>
    Insert = 16,

    /// <summary><c>p</c>: send mail to the submission address of the mailbox (recorded, no delivery path uses it yet).</summary>
    Post = 32,

    /// <summary><c>k</c>: CREATE child mailboxes, new name in RENAME.</summary>
    CreateMailbox = 64,

    /// <summary><c>x</c>: DELETE the mailbox, old name in RENAME.</summary>
    DeleteMailbox = 128,

    /// <summary><c>t</c>: set or clear \Deleted.</summary>
    DeleteMessages = 256,

    /// <summary><c>e</c>: EXPUNGE, expunge as part of CLOSE, MOVE from.</summary>
    Expunge = 512,

    /// <summary><c>a</c>: SETACL, DELETEACL, GETACL, LISTRIGHTS.</summary>
    Administer = 1024,

    /// <summary>Every right: what an owner has on its own mailboxes.</summary>
    All = Lookup | Read | Seen | Write | Insert | Post | CreateMailbox | DeleteMailbox | DeleteMessages | Expunge | Administer,
}

/// <summary>The wire form of <see cref="MailboxRights"/> (RFC 4314 §2.1, §2.1.1 obsolete <c>c</c>/<c>d</c>).</summary>
public static class MailboxRightsText
{
    /// <summary>The letters in RFC order, each with its right.</summary>
    private static readonly (char Letter, MailboxRights Right)[] Letters =
    [
        ('l', MailboxRights.Lookup), ('r', MailboxRights.Read), ('s', MailboxRights.Seen), ('w', MailboxRights.Write),
        ('i', MailboxRights.Insert), ('p', MailboxRights.Post), ('k', MailboxRights.CreateMailbox), ('x', MailboxRights.DeleteMailbox),
        ('t', MailboxRights.DeleteMessages), ('e', MailboxRights.Expunge), ('a', MailboxRights.Administer),
    ];

    /// <summary>The obsolete "create" virtual right <c>c</c>: <c>k</c> and <c>x</c> (RFC 4314 §2.1.1, the RFC 2086 reading where <c>c</c> controls DELETE).</summary>
    public const MailboxRights Create = MailboxRights.CreateMailbox | MailboxRights.DeleteMailbox;

    /// <summary>The obsolete "delete" virtual right <c>d</c>: <c>t</c> and <c>e</c> (RFC 4314 §2.1.1).</summary>
    public const MailboxRights Delete = MailboxRights.DeleteMessages | MailboxRights.Expunge;

    /// <summary>The RIGHTS= capability value (RFC 4314 §2.1): the rights beyond RFC 2086's, each its own group.</summary>
    public const string Capability = "RIGHTS=texk";

    /// <summary>
    /// Parses a rights string (letters in any order, duplicates allowed; <c>c</c> and <c>d</c> expand per
    /// §2.1.1). False for an unknown letter (RFC 4314 §3.1: the server MUST reject it, <c>BAD</c>).
    /// </summary>
    public static bool TryParse(string text, out MailboxRights rights)
    {
        rights = MailboxRights.None;
        foreach (var c in text)
        {
            var right = c switch
            {
                'c' => Create,
                'd' => Delete,
                _ => Array.Find(Letters, l => l.Letter == c).Right,
            };
            if (right == MailboxRights.None)
            {
                return false;
            }
            rights |= right;
        }
        return true;
    }

    /// <summary>
    /// The letters of <paramref name="rights"/> in RFC order, plus <c>c</c> when both <c>k</c> and <c>x</c>
    /// are present and <c>d</c> when both <c>t</c> and <c>e</c> are (so RFC 2086 clients read them right).
    /// </summary>
    public static string Format(MailboxRights rights)
    {
        var sb = new StringBuilder(13);
        foreach (var (letter, right) in Letters)
        {
            if ((rights & right) != 0)
            {
                sb.Append(letter);
            }
        }
        if ((rights & Create) == Create)
        {
            sb.Append('c');
        }
        if ((rights & Delete) == Delete)
        {
            sb.Append('d');
        }
        return sb.ToString();
    }

    /// <summary>Reads the storage form (<see cref="FormatStored"/>); a letter this version does not know grants nothing.</summary>
    public static MailboxRights ParseStored(string text) =>
        text.Aggregate(MailboxRights.None, (rights, c) => rights | Array.Find(Letters, l => l.Letter == c).Right);

    /// <summary>The letters alone, without the obsolete <c>c</c>/<c>d</c> (storage form).</summary>
    public static string FormatStored(MailboxRights rights) =>
        string.Concat(Letters.Where(l => (rights & l.Right) != 0).Select(l => l.Letter));
}
