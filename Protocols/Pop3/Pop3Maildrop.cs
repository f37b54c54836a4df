using Mail.Protocols.Store;

namespace Mail.Protocols.Pop3;

/// <summary>
/// The maildrop of a POP3 session (RFC 1939 §4): the INBOX as it was at login, numbered from 1.
/// Deletion marks live only here until QUIT; messages delivered later are not seen by this session.
/// </summary>
internal sealed class Pop3Maildrop
{
    private readonly IReadOnlyList<MessageRecord> _messages;
    private readonly bool[] _deleted;

    public Pop3Maildrop(IAccountStore account, MailboxInfo inbox, IReadOnlyList<MessageRecord> messages)
    {
        Account = account;
        Inbox = inbox;
        _messages = messages;
        _deleted = new bool[messages.Count];
    }

    public IAccountStore Account { get; }

    public MailboxInfo Inbox { get; }

    /// <summary>Number of messages in the snapshot, deleted ones included.</summary>
    public int Count => _messages.Count;

    /// <summary>Messages not marked deleted.</summary>
    public int LiveCount => _deleted.Count(d => !d);

    /// <summary>Octets of the messages not marked deleted.</summary>
    public long LiveOctets => _messages.Where((_, i) => !_deleted[i]).Sum(m => m.SizeOctets);

    /// <summary>The message numbered <paramref name="number"/> (1-based).</summary>
    public MessageRecord this[int number] => _messages[number - 1];

    public bool IsDeleted(int number) => _deleted[number - 1];

    public void MarkDeleted(int number) => _deleted[number - 1] = true;

    /// <summary>RSET (RFC 1939 §5): unmarks every message.</summary>
    public void Unmark() => Array.Clear(_deleted);

    /// <summary>UIDs of the messages marked deleted, ascending.</summary>
    public IReadOnlyList<uint> DeletedUids() => _messages.Where((_, i) => _deleted[i]).Select(m => m.Uid).ToList();

    /// <summary>Unique-id listing (RFC 1939 §7): <c>UIDVALIDITY.UID</c>, stable across sessions while UIDVALIDITY stays.</summary>
    public string UniqueId(int number) => $"{Inbox.UidValidity}.{this[number].Uid}";

    /// <summary>
    /// Resolves a message-number argument: digits only, in range, not deleted.
    /// </summary>
    /// <returns>The number, or null with <paramref name="error"/> set to the <c>-ERR</c> text.</returns>
    public int? Resolve(string argument, out string error)
    {
        error = "";
        if (argument.Length == 0 || argument.Length > 9 || !argument.All(char.IsAsciiDigit))
        {
            error = "invalid message number";
            return null;
        }
        var number = int.Parse(argument, System.Globalization.CultureInfo.InvariantCulture);
        if (number < 1 || number > Count)
        {
            error = "no such message";
            return null;
        }
        if (IsDeleted(number))
        {
            error = "message " + number + " already deleted";
            return null;
        }
        return number;
    }
}
