namespace Mail.Protocols.Store;

/// <summary>
/// One account's mailboxes and messages. Thread-safe; shared by all sessions of the account in
/// this process. Mailbox names are full hierarchical names with <c>/</c> as the separator,
/// <c>INBOX</c> case-insensitive (RFC 9051 §5.1), other names case-sensitive, stored as UTF-8.
/// </summary>
/// <remarks>
/// UIDs are assigned ascending per mailbox and never reused while UIDVALIDITY stays the same
/// (RFC 9051 §2.3.1.1); every change to a message (new, flags, expunge) takes a new MODSEQ from the
/// mailbox's HIGHESTMODSEQ (RFC 7162 §3.1). Expected failures come back as <see cref="StoreStatus"/>
/// values; exceptions are I/O failures or bugs.
/// </remarks>
public interface IAccountStore
{
    /// <summary>Canonical account address.</summary>
    string Account { get; }

    /// <summary>
    /// Raised after any committed change in a mailbox of this account (delivery, append, flags,
    /// expunge, copy/move target), with the mailbox id. Handlers must be quick and must not throw;
    /// sessions use it to wake IDLE and re-sync their view.
    /// </summary>
    event Action<long>? MailboxChanged;

    /// <summary>
    /// Raised after a committed change to the mailbox list (create, delete, rename, subscribe, unsubscribe) or to METADATA
    /// entries. Handlers must be quick and must not throw; IMAP NOTIFY (RFC 5465 §5.6-5.9) reports them.
    /// </summary>
    event Action<MailboxListChange>? MailboxListChanged;

    /// <summary>All mailboxes, sorted by name (INBOX first).</summary>
    Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(CancellationToken cancellationToken);

    /// <summary>One mailbox by name (INBOX any case), with current counts; null when absent.</summary>
    Task<MailboxInfo?> GetMailboxAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// One mailbox by name (INBOX any case) without its message counts: <see cref="MailboxInfo.Messages"/>,
    /// <see cref="MailboxInfo.Unseen"/> and <see cref="MailboxInfo.SizeOctets"/> are 0. For SELECT, which gets those from
    /// its view, so that opening a 100,000-message mailbox does not count 100,000 rows. Null when absent.
    /// </summary>
    Task<MailboxInfo?> FindMailboxAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates a mailbox (and missing parents). <see cref="StoreStatus.AlreadyExists"/>, <see cref="StoreStatus.InvalidName"/>.</summary>
    Task<StoreStatus> CreateMailboxAsync(string name, SpecialUse specialUse, CancellationToken cancellationToken);

    /// <summary>Deletes a mailbox and its messages; INBOX cannot be deleted (<see cref="StoreStatus.NotAllowed"/>).
    /// A mailbox with children is deleted only by name (children remain; RFC 9051 §6.3.5: it becomes \Noselect when it has inferiors, and we refuse that case with <see cref="StoreStatus.HasChildren"/>).</summary>
    Task<StoreStatus> DeleteMailboxAsync(string name, CancellationToken cancellationToken);

    /// <summary>Renames a mailbox and its children. Renaming INBOX moves its messages to the new
    /// mailbox and leaves INBOX empty (RFC 9051 §6.3.6).</summary>
    Task<StoreStatus> RenameMailboxAsync(string oldName, string newName, CancellationToken cancellationToken);

    /// <summary>Sets the subscription flag of a name (the mailbox need not exist, RFC 9051 §6.3.7).</summary>
    Task<StoreStatus> SetSubscribedAsync(string name, bool subscribed, CancellationToken cancellationToken);

    /// <summary>Names of subscribed mailboxes, sorted.</summary>
    Task<IReadOnlyList<string>> ListSubscriptionsAsync(CancellationToken cancellationToken);

    /// <summary>Every message of a mailbox, ascending by UID (the snapshot a session's message sequence numbers come from).</summary>
    Task<IReadOnlyList<MessageRecord>> GetMessagesAsync(long mailboxId, CancellationToken cancellationToken);

    /// <summary>
    /// What changed in a mailbox since <paramref name="modSeq"/>, read in one transaction: the mailbox's HIGHESTMODSEQ and
    /// message count, the messages (new or changed) with a MODSEQ greater than <paramref name="modSeq"/> ascending by UID,
    /// and the UIDs expunged since (none when <paramref name="modSeq"/> is 0, which returns every message). IMAP advances
    /// its shared per-mailbox view with it instead of reloading the mailbox (RFC 7162 §3.1: every change takes a MODSEQ).
    /// </summary>
    /// <returns>Null when the mailbox does not exist.</returns>
    Task<MailboxChanges?> GetChangesSinceAsync(long mailboxId, ulong modSeq, CancellationToken cancellationToken);

    /// <summary>
    /// The stored SORT keys (RFC 5256 §3, RFC 5957) of the messages of a mailbox with a UID above <paramref name="aboveUid"/>,
    /// ascending by UID, with only <paramref name="fields"/> filled (the other strings empty, the date null). Read from the
    /// index, never from the message files; a message whose keys are not stored yet (after a schema upgrade, until the
    /// background backfill reaches it) comes with null keys, for the caller to compute with <see cref="MessageSortKeys.ReadAsync"/>.
    /// </summary>
    Task<IReadOnlyList<MessageSortEntry>> GetSortKeysAsync(long mailboxId, SortKeyFields fields, uint aboveUid, CancellationToken cancellationToken);

    /// <summary>
    /// UIDs expunged from the mailbox with a MODSEQ greater than <paramref name="modSeq"/>, ascending
    /// (QRESYNC VANISHED (EARLIER), RFC 7162 §3.2.5.1 and §3.2.10).
    /// </summary>
    Task<IReadOnlyList<uint>> GetExpungedSinceAsync(long mailboxId, ulong modSeq, CancellationToken cancellationToken);

    /// <summary>Opens a message's exact octets for reading (a read-only, seekable stream the caller disposes).</summary>
    /// <returns>Null when the UID does not exist (expunged meanwhile).</returns>
    Task<Stream?> OpenMessageAsync(long mailboxId, uint uid, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new message (APPEND, RFC 9051 §6.3.12), durably. Reads <paramref name="message"/> to its end.
    /// </summary>
    /// <returns>Status (<see cref="StoreStatus.NoSuchMailbox"/>, <see cref="StoreStatus.OverQuota"/>), and on success the mailbox's UIDVALIDITY and the new UID (UIDPLUS APPENDUID).</returns>
    Task<AppendResult> AppendAsync(string mailboxName, Stream message, MessageFlags flags, IReadOnlyList<string> keywords, DateTimeOffset internalDate, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a new message file in the account's <c>tmp/</c> directory, written piece by piece by the caller (an IMAP
    /// APPEND literal streamed from the connection) and then stored with <see cref="AppendUploadAsync"/>.
    /// The caller disposes it (which removes the file unless it was stored).
    /// </summary>
    MessageUpload CreateUpload();

    /// <summary>
    /// Stores a message written with <see cref="CreateUpload"/> like <see cref="AppendAsync"/> does (fsync, quota
    /// check, full-text extraction, rename into <c>cur/</c>, group commit), without copying it again.
    /// </summary>
    /// <returns>As <see cref="AppendAsync"/>; <see cref="StoreStatus.TooBig"/> when the upload exceeded the store's limit.
    /// The temporary file is gone afterwards whatever the outcome.</returns>
    Task<AppendResult> AppendUploadAsync(string mailboxName, MessageUpload upload, MessageFlags flags, IReadOnlyList<string> keywords, DateTimeOffset internalDate, CancellationToken cancellationToken);

    /// <summary>
    /// Changes flags of the given UIDs (STORE, RFC 9051 §6.4.6). UIDs that no longer exist are ignored.
    /// With <paramref name="unchangedSince"/> (CONDSTORE), messages whose MODSEQ is greater are not
    /// changed and are returned in <see cref="FlagUpdateResult.Failed"/>.
    /// </summary>
    /// <returns>The records of messages whose flags or keywords actually changed (new MODSEQ), and the failed UIDs.</returns>
    Task<FlagUpdateResult> UpdateFlagsAsync(long mailboxId, IReadOnlyList<uint> uids, FlagOperation operation, MessageFlags flags, IReadOnlyList<string> keywords, ulong? unchangedSince, CancellationToken cancellationToken);

    /// <summary>
    /// Permanently removes messages (EXPUNGE / UID EXPUNGE / CLOSE / POP3 QUIT). With <paramref name="uids"/>
    /// null every message flagged \Deleted is removed; otherwise only the listed UIDs that are \Deleted
    /// unless <paramref name="requireDeleted"/> is false (POP3 DELE, MOVE).
    /// </summary>
    /// <returns>The expunged UIDs, ascending.</returns>
    Task<IReadOnlyList<uint>> ExpungeAsync(long mailboxId, IReadOnlyList<uint>? uids, bool requireDeleted, CancellationToken cancellationToken);

    /// <summary>
    /// Copies (or moves, RFC 6851) messages to another mailbox of this account, keeping flags and
    /// INTERNALDATE; a move expunges the source messages in the same transaction.
    /// </summary>
    /// <returns>Status (<see cref="StoreStatus.NoSuchMailbox"/>, <see cref="StoreStatus.OverQuota"/>) and the COPYUID data: destination UIDVALIDITY, source UIDs and destination UIDs in matching order.</returns>
    Task<CopyResult> CopyAsync(long sourceMailboxId, IReadOnlyList<uint> uids, string destinationName, bool move, CancellationToken cancellationToken);

    /// <summary>
    /// UIDs of the messages of a mailbox whose text contains <paramref name="text"/> as a case-insensitive
    /// substring (IMAP SEARCH BODY / TEXT, RFC 9051 §6.4.4), answered from the account's full-text index
    /// (decoded text parts; with <see cref="TextSearchScope.Text"/> also decoded header fields). Messages
    /// stored before the index existed are indexed first. An empty <paramref name="text"/> matches every message.
    /// A term of 1 or 2 letters or digits, which the trigram index cannot answer, matches the messages with a word
    /// (run of letters and digits) starting with it instead of any substring (as Dovecot's fts-flatcurve does):
    /// <c>zy</c> finds "zyzzogeton", not "fuzzy". Other terms under 3 characters are still substrings.
    /// </summary>
    Task<IReadOnlySet<uint>> SearchTextAsync(long mailboxId, string text, TextSearchScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// The METADATA entries (RFC 5464) of a mailbox, or of the server when <paramref name="mailboxName"/> is empty, that
    /// <paramref name="user"/> sees: the <c>/shared/</c> entries and the user's own <c>/private/</c> ones, sorted by name.
    /// </summary>
    /// <returns>Null when the mailbox does not exist.</returns>
    Task<IReadOnlyList<MetadataEntry>?> GetMetadataAsync(string mailboxName, string user, CancellationToken cancellationToken);

    /// <summary>
    /// Sets or (null value) removes METADATA entries of a mailbox or of the server (empty name), all or nothing
    /// (RFC 5464 §4.3). Names must be valid lower-case entry names.
    /// </summary>
    /// <returns>The status and, for <see cref="MetadataStatus.TooLarge"/>, the largest value allowed in octets.</returns>
    Task<(MetadataStatus Status, int MaxSize)> SetMetadataAsync(string mailboxName, string user, IReadOnlyList<MetadataEntry> changes, CancellationToken cancellationToken);

    /// <summary>Octets used by all messages of the account (for QUOTA and delivery checks).</summary>
    Task<long> GetUsedOctetsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// This account's mailboxes as another user (<paramref name="user"/>, a grantee of shared mailboxes, RFC 4314) sees
    /// them: the same store, except that \Seen is that user's own, stored apart from the owner's flags (RFC 4314 §4;
    /// Dovecot's INDEXPVT). UNSEEN counts, message flags, MODSEQs and flag updates of the view follow it.
    /// </summary>
    IAccountStore PrivateView(string user);
}
