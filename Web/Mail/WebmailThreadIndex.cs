using Mail.Shared.Platform;
using Microsoft.EntityFrameworkCore;

namespace Mail.Web.Webmail;

/// <summary>One row of the conversation list.</summary>
/// <param name="ThreadId">Conversation key (a Message-ID).</param>
/// <param name="Subject">Subject of the conversation's first message.</param>
/// <param name="Participants">Distinct senders, oldest first.</param>
/// <param name="Latest">Date of the newest message.</param>
/// <param name="Count">Messages in the conversation (Inbox, Sent and Archive together).</param>
/// <param name="Unread">Messages without \Seen.</param>
public sealed record WebmailConversation(string ThreadId, string Subject, IReadOnlyList<string> Participants, DateTimeOffset Latest, int Count, int Unread);

/// <summary>One message of a conversation: where it is and what the index knows of it.</summary>
/// <param name="Folder">IMAP folder.</param>
/// <param name="Uid">IMAP UID.</param>
/// <param name="From">Sender.</param>
/// <param name="Subject">Subject.</param>
/// <param name="Date">Date.</param>
/// <param name="Seen">\Seen.</param>
public sealed record WebmailConversationMessage(string Folder, uint Uid, string From, string Subject, DateTimeOffset Date, bool Seen);

/// <summary>
/// The per-user conversation index in the platform DB (tables WebmailThreadMessages, WebmailThreadFolders):
/// messages of Inbox, Sent and Archive grouped by Message-ID / In-Reply-To / References, kept current by
/// <see cref="SyncAsync"/>, which reads only what changed since the last sync of each folder (UIDNEXT,
/// CONDSTORE HIGHESTMODSEQ, the UID set only after expunges; see <see cref="WebmailMailSession.ReadThreadDeltasAsync"/>).
/// </summary>
public sealed class WebmailThreadIndex(IDbContextFactory<PlatformDbContext> dbFactory)
{
    /// <summary>Ids per IN (...) list in one query.</summary>
    private const int Chunk = 400;

    /// <summary>Brings the index of <paramref name="session"/>'s user up to date with IMAP.</summary>
    /// <returns>Messages added by this sync.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public async Task<int> SyncAsync(WebmailMailSession session, CancellationToken cancellationToken)
    {
        var user = session.Address.ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var states = await db.WebmailThreadFolders.Where(f => f.UserAddress == user).ToDictionaryAsync(f => f.Folder, StringComparer.Ordinal, cancellationToken);
        var marks = states.Values.ToDictionary(
            s => s.Folder,
            s => new WebmailThreadMark((uint)s.UidValidity, (uint)s.UidNext, (ulong)s.HighestModSeq, s.Count),
            StringComparer.Ordinal);
        var deltas = await session.ReadThreadDeltasAsync(marks, cancellationToken);
        var added = 0;
        foreach (var delta in deltas)
        {
            var folder = Cut(delta.Folder, WebmailThreadMessage.MaxFolderLength);
            if (delta.Rebuilt)
            {
                await db.WebmailThreadMessages.Where(m => m.UserAddress == user && m.Folder == folder).ExecuteDeleteAsync(cancellationToken);
            }
            else if (delta.Present is { } present)
            {
                var keep = present.Select(u => (long)u).ToHashSet();
                var indexed = await db.WebmailThreadMessages.Where(m => m.UserAddress == user && m.Folder == folder)
                    .Select(m => new { m.Id, m.Uid }).ToListAsync(cancellationToken);
                foreach (var gone in indexed.Where(r => !keep.Contains(r.Uid)).Select(r => r.Id).Chunk(Chunk))
                {
                    await db.WebmailThreadMessages.Where(m => gone.Contains(m.Id)).ExecuteDeleteAsync(cancellationToken);
                }
            }
            foreach (var changed in delta.Seen.Chunk(Chunk))
            {
                var uids = changed.Select(c => (long)c.Key).ToList();
                foreach (var row in await db.WebmailThreadMessages.Where(m => m.UserAddress == user && m.Folder == folder && uids.Contains(m.Uid)).ToListAsync(cancellationToken))
                {
                    row.Seen = delta.Seen[(uint)row.Uid];
                }
            }
            added += await AddAsync(db, user, folder, delta, cancellationToken);
            if (!states.TryGetValue(delta.Folder, out var state))
            {
                state = new WebmailThreadFolder { UserAddress = user, Folder = folder };
                db.WebmailThreadFolders.Add(state);
            }
            state.UidValidity = delta.Mark.UidValidity;
            state.UidNext = delta.Mark.UidNext;
            state.HighestModSeq = (long)Math.Min(delta.Mark.HighestModSeq, long.MaxValue);
            state.Count = delta.Mark.Count;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another tab of the same user indexed these messages at the same moment (unique folder/UID,
                // folder key): its rows and mark stand, and the next sync starts from them.
                return added;
            }
        }
        return added;
    }

    /// <summary>
    /// Adds <paramref name="delta"/>'s new messages, each joining the conversation of any indexed message it
    /// references or that references it; a message linking two conversations merges them.
    /// </summary>
    private static async Task<int> AddAsync(PlatformDbContext db, string user, string folder, WebmailThreadDelta delta, CancellationToken ct)
    {
        if (delta.Added.Count == 0)
        {
            return 0;
        }
        var ownIds = delta.Added.ToDictionary(h => h.Uid, h => Cut(h.MessageId ?? $"{folder}/{delta.Mark.UidValidity}/{h.Uid}", WebmailThreadMessage.MaxMessageIdLength));
        var keys = delta.Added.SelectMany(h => h.References).Select(r => Cut(r, WebmailThreadMessage.MaxMessageIdLength))
            .Concat(ownIds.Values).Distinct(StringComparer.Ordinal).ToList();
        var threadOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var threads = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(Chunk))
        {
            var known = await db.WebmailThreadMessages
                .Where(m => m.UserAddress == user && (chunk.Contains(m.MessageId) || chunk.Contains(m.ThreadId)))
                .Select(m => new { m.MessageId, m.ThreadId }).ToListAsync(ct);
            foreach (var k in known)
            {
                threadOf[k.MessageId] = k.ThreadId;
                threads.Add(k.ThreadId);
            }
        }
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        string Resolve(string thread)
        {
            while (renamed.TryGetValue(thread, out var next))
            {
                thread = next;
            }
            return thread;
        }
        var rows = new List<WebmailThreadMessage>();
        foreach (var h in delta.Added.OrderBy(h => h.Date))
        {
            var own = ownIds[h.Uid];
            var refs = h.References.Select(r => Cut(r, WebmailThreadMessage.MaxMessageIdLength)).ToList();
            var found = refs.Append(own)
                .Select(r => threadOf.TryGetValue(r, out var t) ? t : threads.Contains(r) ? r : null)
                .OfType<string>().Select(Resolve).Distinct(StringComparer.Ordinal).ToList();
            var thread = found.Count > 0 ? found[0] : refs.Count > 0 ? refs[0] : own;
            foreach (var other in found.Skip(1))
            {
                renamed[other] = thread;
            }
            threadOf[own] = thread;
            threads.Add(thread);
            rows.Add(new WebmailThreadMessage
            {
                UserAddress = user,
                Folder = folder,
                Uid = h.Uid,
                MessageId = own,
                ThreadId = thread,
                From = Cut(h.From, 256),
                Subject = Cut(h.Subject, 512),
                DateUtc = h.Date.UtcDateTime,
                Seen = h.Seen,
            });
        }
        foreach (var row in rows)
        {
            row.ThreadId = Resolve(row.ThreadId);
        }
        foreach (var old in renamed.Keys)
        {
            var target = Resolve(old);
            await db.WebmailThreadMessages.Where(m => m.UserAddress == user && m.ThreadId == old)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.ThreadId, target), ct);
        }
        db.WebmailThreadMessages.AddRange(rows);
        return rows.Count;
    }

    /// <summary>Conversations of <paramref name="user"/> newest first, rows <paramref name="skip"/> to skip + <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<WebmailConversation>> ListAsync(string user, int skip, int take, CancellationToken cancellationToken)
    {
        user = user.ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var page = await db.WebmailThreadMessages.Where(m => m.UserAddress == user)
            .GroupBy(m => m.ThreadId)
            .Select(g => new { ThreadId = g.Key, Latest = g.Max(m => m.DateUtc), Count = g.Count(), Unread = g.Count(m => !m.Seen) })
            .OrderByDescending(g => g.Latest).ThenBy(g => g.ThreadId)
            .Skip(skip).Take(take)
            .ToListAsync(cancellationToken);
        var ids = page.Select(p => p.ThreadId).ToList();
        var members = (await db.WebmailThreadMessages.Where(m => m.UserAddress == user && ids.Contains(m.ThreadId))
            .Select(m => new { m.ThreadId, m.From, m.Subject, m.DateUtc }).ToListAsync(cancellationToken))
            .GroupBy(m => m.ThreadId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(m => m.DateUtc).ToList(), StringComparer.Ordinal);
        return [.. page.Select(p =>
        {
            var messages = members.GetValueOrDefault(p.ThreadId) ?? [];
            return new WebmailConversation(
                p.ThreadId,
                messages.FirstOrDefault()?.Subject ?? "",
                [.. messages.Select(m => m.From).Where(f => f.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)],
                new DateTimeOffset(p.Latest, TimeSpan.Zero),
                p.Count,
                p.Unread);
        })];
    }

    /// <summary>Number of conversations of <paramref name="user"/>.</summary>
    public async Task<int> CountAsync(string user, CancellationToken cancellationToken)
    {
        user = user.ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebmailThreadMessages.Where(m => m.UserAddress == user).Select(m => m.ThreadId).Distinct().CountAsync(cancellationToken);
    }

    /// <summary>The messages of conversation <paramref name="threadId"/>, oldest first, from every indexed folder.</summary>
    public async Task<IReadOnlyList<WebmailConversationMessage>> MessagesAsync(string user, string threadId, CancellationToken cancellationToken)
    {
        user = user.ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.WebmailThreadMessages.Where(m => m.UserAddress == user && m.ThreadId == threadId)
            .OrderBy(m => m.DateUtc).ThenBy(m => m.Id).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new WebmailConversationMessage(r.Folder, (uint)r.Uid, r.From, r.Subject, new DateTimeOffset(r.DateUtc, TimeSpan.Zero), r.Seen))];
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
