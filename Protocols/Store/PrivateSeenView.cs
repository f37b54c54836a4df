namespace Mail.Protocols.Store;

/// <summary>
/// Another user's view of an account's mailboxes (the grantee of a shared mailbox, RFC 4314): everything is the
/// owner's store except \Seen, which is the grantee's own (RFC 4314 §4 leaves it to the server; this is Dovecot's
/// INDEXPVT behaviour). The grantee's \Seen lives in the owner's <c>private_flags</c> rows, never in the owner's flags:
/// FETCH FLAGS, SEARCH (UN)SEEN, STATUS UNSEEN, STORE \Seen and the implicit \Seen of FETCH BODY[] read and write it,
/// and a message arriving with \Seen (APPEND, COPY) has it set for the grantee only.
/// </summary>
/// <remarks>
/// A private change takes its MODSEQ from the mailbox's HIGHESTMODSEQ like any other change (RFC 7162 §3.1), so the
/// grantee sees MODSEQ = max(message's MODSEQ, private MODSEQ) and HIGHESTMODSEQ stays the bound for everyone; the
/// owner sees HIGHESTMODSEQ grow without a visible change, which RFC 7162 allows. Change events are the owner store's:
/// every session on the mailbox re-reads it and reports only what changed in its own view.
/// </remarks>
internal sealed class PrivateSeenView(AccountStore owner, string user) : IAccountStore
{
    /// <summary>The grantee whose \Seen this view reads and writes.</summary>
    public string User { get; } = user;

    /// <inheritdoc />
    public string Account => owner.Account;

    /// <inheritdoc />
    public event Action<long>? MailboxChanged
    {
        add => owner.MailboxChanged += value;
        remove => owner.MailboxChanged -= value;
    }

    /// <inheritdoc />
    public event Action<MailboxListChange>? MailboxListChanged
    {
        add => owner.MailboxListChanged += value;
        remove => owner.MailboxListChanged -= value;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(owner.ListMailboxes(User));

    /// <inheritdoc />
    public Task<MailboxInfo?> GetMailboxAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(owner.GetMailbox(name, User));

    /// <inheritdoc />
    public Task<StoreStatus> CreateMailboxAsync(string name, SpecialUse specialUse, CancellationToken cancellationToken) =>
        owner.CreateMailboxAsync(name, specialUse, cancellationToken);

    /// <inheritdoc />
    public Task<StoreStatus> DeleteMailboxAsync(string name, CancellationToken cancellationToken) =>
        owner.DeleteMailboxAsync(name, cancellationToken);

    /// <inheritdoc />
    public Task<StoreStatus> RenameMailboxAsync(string oldName, string newName, CancellationToken cancellationToken) =>
        owner.RenameMailboxAsync(oldName, newName, cancellationToken);

    /// <inheritdoc />
    public Task<StoreStatus> SetSubscribedAsync(string name, bool subscribed, CancellationToken cancellationToken) =>
        owner.SetSubscribedAsync(name, subscribed, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListSubscriptionsAsync(CancellationToken cancellationToken) =>
        owner.ListSubscriptionsAsync(cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<MessageRecord>> GetMessagesAsync(long mailboxId, CancellationToken cancellationToken) =>
        Task.FromResult(owner.GetMessages(mailboxId, User));

    /// <inheritdoc />
    public Task<MailboxChanges?> GetChangesSinceAsync(long mailboxId, ulong modSeq, CancellationToken cancellationToken) =>
        Task.FromResult(owner.GetChangesSince(mailboxId, modSeq, User));

    /// <inheritdoc />
    public Task<MailboxInfo?> FindMailboxAsync(string name, CancellationToken cancellationToken) =>
        owner.FindMailboxAsync(name, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<uint>> GetExpungedSinceAsync(long mailboxId, ulong modSeq, CancellationToken cancellationToken) =>
        owner.GetExpungedSinceAsync(mailboxId, modSeq, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<MessageSortEntry>> GetSortKeysAsync(long mailboxId, SortKeyFields fields, uint aboveUid, CancellationToken cancellationToken) =>
        owner.GetSortKeysAsync(mailboxId, fields, aboveUid, cancellationToken);

    /// <inheritdoc />
    public Task<Stream?> OpenMessageAsync(long mailboxId, uint uid, CancellationToken cancellationToken) =>
        owner.OpenMessageAsync(mailboxId, uid, cancellationToken);

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(string mailboxName, Stream message, MessageFlags flags, IReadOnlyList<string> keywords, DateTimeOffset internalDate, CancellationToken cancellationToken)
    {
        var result = await owner.AppendAsync(mailboxName, message, flags & ~MessageFlags.Seen, keywords, internalDate, cancellationToken);
        return await SetSeenAfterAppendAsync(result, mailboxName, flags, cancellationToken);
    }

    /// <inheritdoc />
    public MessageUpload CreateUpload() => owner.CreateUpload();

    /// <inheritdoc />
    public async Task<AppendResult> AppendUploadAsync(string mailboxName, MessageUpload upload, MessageFlags flags, IReadOnlyList<string> keywords, DateTimeOffset internalDate, CancellationToken cancellationToken)
    {
        var result = await owner.AppendUploadAsync(mailboxName, upload, flags & ~MessageFlags.Seen, keywords, internalDate, cancellationToken);
        return await SetSeenAfterAppendAsync(result, mailboxName, flags, cancellationToken);
    }

    /// <inheritdoc />
    public Task<FlagUpdateResult> UpdateFlagsAsync(long mailboxId, IReadOnlyList<uint> uids, FlagOperation operation, MessageFlags flags, IReadOnlyList<string> keywords, ulong? unchangedSince, CancellationToken cancellationToken) =>
        owner.UpdateFlagsAsync(mailboxId, uids, operation, flags, keywords, unchangedSince, User, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<uint>> ExpungeAsync(long mailboxId, IReadOnlyList<uint>? uids, bool requireDeleted, CancellationToken cancellationToken) =>
        owner.ExpungeAsync(mailboxId, uids, requireDeleted, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The copies keep the owner's flags for the owner and this user's \Seen for this user.</remarks>
    public async Task<CopyResult> CopyAsync(long sourceMailboxId, IReadOnlyList<uint> uids, string destinationName, bool move, CancellationToken cancellationToken)
    {
        var seen = owner.GetPrivateSeen(sourceMailboxId, User, uids);
        var result = await owner.CopyAsync(sourceMailboxId, uids, destinationName, move, cancellationToken);
        if (result.Status != StoreStatus.Ok || seen.Count == 0 || owner.GetMailbox(destinationName, null) is not { } destination)
        {
            return result;
        }
        var copies = new List<uint>();
        for (var i = 0; i < result.SourceUids.Count; i++)
        {
            if (seen.Contains(result.SourceUids[i]))
            {
                copies.Add(result.DestinationUids[i]);
            }
        }
        await owner.UpdateFlagsAsync(destination.Id, copies, FlagOperation.Add, MessageFlags.Seen, [], null, User, cancellationToken);
        return result;
    }

    /// <inheritdoc />
    public Task<IReadOnlySet<uint>> SearchTextAsync(long mailboxId, string text, TextSearchScope scope, CancellationToken cancellationToken) =>
        owner.SearchTextAsync(mailboxId, text, scope, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<MetadataEntry>?> GetMetadataAsync(string mailboxName, string user, CancellationToken cancellationToken) =>
        owner.GetMetadataAsync(mailboxName, user, cancellationToken);

    /// <inheritdoc />
    public Task<(MetadataStatus Status, int MaxSize)> SetMetadataAsync(string mailboxName, string user, IReadOnlyList<MetadataEntry> changes, CancellationToken cancellationToken) =>
        owner.SetMetadataAsync(mailboxName, user, changes, cancellationToken);

    /// <inheritdoc />
    public Task<long> GetUsedOctetsAsync(CancellationToken cancellationToken) => owner.GetUsedOctetsAsync(cancellationToken);

    /// <inheritdoc />
    public IAccountStore PrivateView(string user) => owner.PrivateView(user);

    /// <summary>Gives a message appended with \Seen this user's \Seen (a second, separate commit: the message exists either way).</summary>
    private async Task<AppendResult> SetSeenAfterAppendAsync(AppendResult result, string mailboxName, MessageFlags flags, CancellationToken cancellationToken)
    {
        if (result.Status == StoreStatus.Ok && (flags & MessageFlags.Seen) != 0 && owner.GetMailbox(mailboxName, null) is { } mailbox)
        {
            await owner.UpdateFlagsAsync(mailbox.Id, [result.Uid], FlagOperation.Add, MessageFlags.Seen, [], null, User, cancellationToken);
        }
        return result;
    }
}
