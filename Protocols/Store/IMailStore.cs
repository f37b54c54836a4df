namespace Mail.Protocols.Store;

/// <summary>
/// The mailbox store of a Mailbox node (DESIGN.md "Storage"): one directory per account under
/// <c>{DataPath}/mail/</c>, each with a SQLite (WAL) index and immutable message files.
/// </summary>
/// <remarks>
/// Thread-safe singleton. Account stores are shared: every session of one account gets the same
/// <see cref="IAccountStore"/> instance (so change events reach every session in the process).
/// Durability: a method that stores a message returns only after the message file is fsynced,
/// renamed, its directory fsynced and the index transaction committed.
/// </remarks>
public interface IMailStore
{
    /// <summary>
    /// Opens the store of <paramref name="account"/> (canonical lower-case address), creating it
    /// with INBOX, Drafts, Sent, Trash, Junk and Archive on first use, and running recovery
    /// (orphan temp/message files, interrupted transactions) when it is first opened in this process.
    /// </summary>
    /// <exception cref="IOException">The account directory or index cannot be opened.</exception>
    ValueTask<IAccountStore> OpenAccountAsync(string account, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers one message into the INBOX of every account in <paramref name="accounts"/>, durably.
    /// Reads <paramref name="message"/> once to its end (it must be seekable or is buffered to a temp file).
    /// </summary>
    /// <param name="accounts">Canonical addresses of the local users; duplicates are delivered once.</param>
    /// <param name="message">The exact message octets (already carrying Return-Path/Received).</param>
    /// <param name="internalDate">INTERNALDATE for the new messages (RFC 9051 §2.3.3).</param>
    /// <returns>One <see cref="DeliveryOutcome"/> per distinct account, in input order.</returns>
    /// <remarks>Quota refusals are outcomes, not exceptions; I/O failures throw.</remarks>
    Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<string> accounts, Stream message, DateTimeOffset internalDate, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="DeliverAsync(IReadOnlyList{string}, Stream, DateTimeOffset, CancellationToken)"/>, into
    /// <paramref name="target"/>: INBOX, or each account's Junk mailbox (the one with special-use
    /// <c>\Junk</c>, RFC 6154; INBOX when the account has none), for spam routed by the filters.
    /// </summary>
    Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<string> accounts, Stream message, DateTimeOffset internalDate, DeliveryTarget target, CancellationToken cancellationToken);

    /// <summary>
    /// Octets stored by every account of <paramref name="domain"/> (lower case) in this store: what the domain quota
    /// (<see cref="IQuotaProvider.GetDomainQuotaOctetsAsync"/>) is checked against, counted now (not the delivery check's cached sum).
    /// </summary>
    /// <exception cref="IOException">An account index cannot be read.</exception>
    Task<long> GetDomainUsedOctetsAsync(string domain, CancellationToken cancellationToken);
}

/// <summary>Where <see cref="IMailStore.DeliverAsync(IReadOnlyList{string}, Stream, DateTimeOffset, DeliveryTarget, CancellationToken)"/> puts a message.</summary>
public enum DeliveryTarget
{
    /// <summary>The account's INBOX.</summary>
    Inbox,

    /// <summary>The account's special-use <c>\Junk</c> mailbox (RFC 6154), INBOX when it has none.</summary>
    Junk,
}

/// <summary>Per-account result of <see cref="IMailStore.DeliverAsync(IReadOnlyList{string}, Stream, DateTimeOffset, DeliveryTarget, CancellationToken)"/>.</summary>
/// <param name="Account">The account.</param>
/// <param name="Status">Delivered, or why not.</param>
/// <param name="Uid">UID in <see cref="DeliveryOutcome.Mailbox"/> when delivered, else 0.</param>
public sealed record DeliveryOutcome(string Account, StoreStatus Status, uint Uid)
{
    /// <summary>The mailbox the message was delivered to (<c>INBOX</c> unless delivered to Junk).</summary>
    public string Mailbox { get; init; } = MailboxName.Inbox;
}
