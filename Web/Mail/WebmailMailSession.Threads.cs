using MailKit;
using MailKit.Net.Imap;

namespace Mail.Web.Webmail;

/// <summary>Where the conversation index stopped reading a folder (see <c>WebmailThreadFolder</c>).</summary>
/// <param name="UidValidity">UIDVALIDITY the index was built under.</param>
/// <param name="UidNext">UIDNEXT then: every lower UID is indexed.</param>
/// <param name="HighestModSeq">HIGHESTMODSEQ then (RFC 7162 §3.1.2).</param>
/// <param name="Count">Messages in the folder then.</param>
public sealed record WebmailThreadMark(uint UidValidity, uint UidNext, ulong HighestModSeq, int Count);

/// <summary>The threading headers of one message.</summary>
/// <param name="Uid">IMAP UID.</param>
/// <param name="MessageId">Message-ID without brackets, null when the message has none.</param>
/// <param name="References">References then In-Reply-To ids, oldest first, without brackets.</param>
/// <param name="From">Sender display name or address.</param>
/// <param name="Subject">Subject.</param>
/// <param name="Date">Date header, else INTERNALDATE.</param>
/// <param name="Seen">\Seen is set.</param>
public sealed record WebmailThreadHeader(uint Uid, string? MessageId, IReadOnlyList<string> References, string From, string Subject, DateTimeOffset Date, bool Seen);

/// <summary>What changed in one folder since its <see cref="WebmailThreadMark"/>.</summary>
/// <param name="Folder">Folder full name.</param>
/// <param name="Mark">The folder's state now, to store.</param>
/// <param name="Rebuilt">No mark or a new UIDVALIDITY: <paramref name="Added"/> is the whole folder and old rows are void.</param>
/// <param name="Added">Messages at or above the old UIDNEXT (all messages when rebuilt).</param>
/// <param name="Seen">\Seen of messages whose flags changed since the old HIGHESTMODSEQ (UID → seen).</param>
/// <param name="Present">Every UID in the folder when messages were expunged since the mark (else null).</param>
public sealed record WebmailThreadDelta(string Folder, WebmailThreadMark Mark, bool Rebuilt, IReadOnlyList<WebmailThreadHeader> Added,
    IReadOnlyDictionary<uint, bool> Seen, IReadOnlyList<uint>? Present);

public sealed partial class WebmailMailSession
{
    /// <summary>
    /// The changes of Inbox, Sent and Archive (RFC 6154 special use; those that exist) since
    /// <paramref name="marks"/>: headers of UIDs from the old UIDNEXT on (UID FETCH n:* ENVELOPE FLAGS
    /// BODY.PEEK[HEADER.FIELDS (REFERENCES)]), flags changed since the old mod-sequence (UID FETCH 1:* (FLAGS)
    /// (CHANGEDSINCE m), RFC 7162 §3.1.4), and the UID set (ESEARCH ALL) only when the count shows expunges.
    /// A folder without a mark, or with a new UIDVALIDITY, is read whole once.
    /// </summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<IReadOnlyList<WebmailThreadDelta>> ReadThreadDeltasAsync(IReadOnlyDictionary<string, WebmailThreadMark> marks, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<WebmailThreadDelta>>(async (client, ct) =>
        {
            var deltas = new List<WebmailThreadDelta>();
            foreach (var folder in ConversationFolders(client))
            {
                try
                {
                    await folder.OpenAsync(FolderAccess.ReadOnly, ct);
                }
                catch (CommandException ex)
                {
                    WebmailLog.ImapCommandFailed(_logger, ex.Message);
                    continue;
                }
                deltas.Add(await ReadDeltaAsync(client, folder, marks.GetValueOrDefault(folder.FullName), ct));
            }
            return deltas;
        }, cancellationToken);

    /// <summary>The folders a conversation spans: INBOX, then \Sent and \Archive when the account has them.</summary>
    public static IEnumerable<IMailFolder> ConversationFolders(ImapClient client)
    {
        yield return client.Inbox;
        if (!client.Capabilities.HasFlag(ImapCapabilities.SpecialUse))
        {
            yield break;
        }
        foreach (var special in new[] { SpecialFolder.Sent, SpecialFolder.Archive })
        {
            if (client.GetFolder(special) is { } folder)
            {
                yield return folder;
            }
        }
    }

    // References makes MailKit fetch BODY.PEEK[HEADER.FIELDS (REFERENCES)] and parse the ids.
    private static readonly FetchRequest ThreadFetch = new(MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope
        | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate | MessageSummaryItems.References);

    private static async Task<WebmailThreadDelta> ReadDeltaAsync(ImapClient client, IMailFolder folder, WebmailThreadMark? mark, CancellationToken ct)
    {
        var now = new WebmailThreadMark(folder.UidValidity, folder.UidNext?.Id ?? 0, folder.HighestModSeq, folder.Count);
        var rebuilt = mark is null || mark.UidValidity != now.UidValidity;
        var from = rebuilt ? 1u : Math.Max(1u, mark!.UidNext);
        IReadOnlyList<WebmailThreadHeader> added = [];
        if (folder.Count > 0 && (rebuilt || now.UidNext == 0 || now.UidNext > from))
        {
            // "n:*" names the highest UID even when it is below n (RFC 9051 §6.4.8): keep only UIDs >= n.
            var fetched = await folder.FetchAsync(new UniqueIdRange(new UniqueId(from), UniqueId.MaxValue), ThreadFetch, ct);
            added = [.. fetched.Where(s => s.UniqueId.Id >= from).Select(ToThreadHeader)];
        }
        var seen = new Dictionary<uint, bool>();
        if (!rebuilt && folder.Count > 0 && now.HighestModSeq > mark!.HighestModSeq && client.Capabilities.HasFlag(ImapCapabilities.CondStore) && mark.HighestModSeq > 0)
        {
            foreach (var s in await folder.FetchAsync(UniqueIdRange.All, mark.HighestModSeq, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags, ct))
            {
                seen[s.UniqueId.Id] = (s.Flags ?? MessageFlags.None).HasFlag(MessageFlags.Seen);
            }
        }
        IReadOnlyList<uint>? present = null;
        if (!rebuilt && now.Count < mark!.Count + added.Count)
        {
            var all = client.Capabilities.HasFlag(ImapCapabilities.ESearch)
                ? (await folder.SearchAsync(MailKit.Search.SearchOptions.All, MailKit.Search.SearchQuery.All, ct)).UniqueIds
                : await folder.SearchAsync(MailKit.Search.SearchQuery.All, ct);
            present = [.. all.Select(u => u.Id)];
        }
        return new WebmailThreadDelta(folder.FullName, now, rebuilt, added, seen, present);
    }

    private static WebmailThreadHeader ToThreadHeader(IMessageSummary s)
    {
        var references = new List<string>();
        if (s.References is { } refs)
        {
            references.AddRange(refs);
        }
        if (s.Envelope?.InReplyTo is { Length: > 0 } inReplyTo)
        {
            var id = inReplyTo.Trim().Trim('<', '>');
            if (id.Length > 0 && !references.Contains(id, StringComparer.Ordinal))
            {
                references.Add(id);
            }
        }
        var sender = s.Envelope?.From.Mailboxes.FirstOrDefault() ?? s.Envelope?.Sender.Mailboxes.FirstOrDefault();
        var from = sender is null ? "" : string.IsNullOrWhiteSpace(sender.Name) ? sender.Address : sender.Name;
        var messageId = s.Envelope?.MessageId?.Trim().Trim('<', '>');
        return new WebmailThreadHeader(
            s.UniqueId.Id,
            string.IsNullOrEmpty(messageId) ? null : messageId,
            references,
            from,
            s.Envelope?.Subject ?? "",
            s.Envelope?.Date ?? s.InternalDate ?? DateTimeOffset.UnixEpoch,
            (s.Flags ?? MessageFlags.None).HasFlag(MessageFlags.Seen));
    }
}
