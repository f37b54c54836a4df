using Mail.Protocols.Imap.Search;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session.Views;

/// <summary>
/// The SORT keys of one mailbox's messages on this node, by UID, held by its shared view (<see cref="ImapSharedMailbox"/>)
/// for every session and snapshot version: each key (FROM, SUBJECT, DATE...) is read from the store's index once, when
/// a SORT first needs it, and after that only for the UIDs added since (keys never change for a UID). Strings are kept
/// already mapped for the comparator (i;ascii-casemap, RFC 4790 §9.2; SUBJECT as its base subject, RFC 5256 §2.1), so
/// a sort compares them ordinally. Thread-safe.
/// </summary>
public sealed class ImapSortKeyCache : IDisposable
{
    /// <summary>A sent date that is missing or unparsable: the message's INTERNALDATE stands in (RFC 5256 §2.2).</summary>
    private const long NoDate = long.MinValue;

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly IAccountStore _store;
    private readonly long _mailboxId;
    private readonly Dictionary<SortKeyFields, Column> _columns = [];

    internal ImapSortKeyCache(IAccountStore store, long mailboxId)
    {
        _store = store;
        _mailboxId = mailboxId;
    }

    /// <summary>Messages whose keys were computed from the message file (not in the store's index yet).</summary>
    public int Computed { get; private set; }

    /// <summary>Reads of the store's index (a whole key column the first time, then the new UIDs).</summary>
    public int Reads { get; private set; }

    public void Dispose() => _lock.Dispose();

    /// <summary>
    /// The comparator-mapped string key <paramref name="field"/> of each of <paramref name="records"/> (indexed like
    /// <paramref name="positions"/>: the result's i-th value is the key of <c>records[positions[i]]</c>).
    /// </summary>
    public async ValueTask<string[]> GetStringsAsync(IReadOnlyList<MessageRecord> records, IReadOnlyList<int> positions, SortKeyFields field, CancellationToken cancellationToken)
    {
        var column = await LoadAsync(records, positions, field, cancellationToken);
        var result = new string[positions.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = column.Strings![records[positions[i]].Uid];
        }
        return result;
    }

    /// <summary>The sent date (RFC 5256 §2.2: the Date header in UTC, else INTERNALDATE) of each message, in ticks, indexed like <paramref name="positions"/>.</summary>
    public async ValueTask<long[]> GetDatesAsync(IReadOnlyList<MessageRecord> records, IReadOnlyList<int> positions, CancellationToken cancellationToken)
    {
        var column = await LoadAsync(records, positions, SortKeyFields.SentDate, cancellationToken);
        var result = new long[positions.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var record = records[positions[i]];
            var sent = column.Dates![record.Uid];
            result[i] = sent == NoDate ? record.InternalDate.UtcTicks : sent;
        }
        return result;
    }

    /// <summary>Makes sure the column holds every UID of the positions asked for, under the lock.</summary>
    private async ValueTask<Column> LoadAsync(IReadOnlyList<MessageRecord> records, IReadOnlyList<int> positions, SortKeyFields field, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (!_columns.TryGetValue(field, out var column))
            {
                column = new Column(field == SortKeyFields.SentDate);
                _columns[field] = column;
            }
            var maxUid = 0u;
            foreach (var p in positions)
            {
                maxUid = Math.Max(maxUid, records[p].Uid);
            }
            if (maxUid > column.LoadedUpTo)
            {
                if (column.Count > 2 * records.Count + 1024)
                {
                    // Mostly expunged UIDs: start again rather than keep their keys forever.
                    column = new Column(field == SortKeyFields.SentDate);
                    _columns[field] = column;
                }
                var entries = await _store.GetSortKeysAsync(_mailboxId, field, column.LoadedUpTo, cancellationToken);
                Reads++;
                foreach (var entry in entries)
                {
                    var keys = entry.Keys ?? await ComputeAsync(entry.Uid, cancellationToken);
                    if (keys is not null)
                    {
                        column.Add(entry.Uid, field, keys);
                    }
                }
                column.LoadedUpTo = Math.Max(column.LoadedUpTo, entries.Count > 0 ? entries[^1].Uid : 0);
                column.LoadedUpTo = Math.Max(column.LoadedUpTo, maxUid);
            }
            foreach (var p in positions)
            {
                var record = records[p];
                if (!column.Contains(record.Uid))
                {
                    // Gone from the store since the snapshot was taken (or not in the index read): its own header, or empty keys.
                    var keys = await ComputeAsync(record.Uid, cancellationToken) ?? MessageSortKeys.Empty;
                    column.Add(record.Uid, field, keys);
                }
            }
            return column;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Reads a message's header section for keys the index does not have yet; null when the message is gone.</summary>
    private async ValueTask<MessageSortKeys?> ComputeAsync(uint uid, CancellationToken cancellationToken)
    {
        var stream = await _store.OpenMessageAsync(_mailboxId, uid, cancellationToken);
        if (stream is null)
        {
            return null;
        }
        await using (stream)
        {
            Computed++;
            return await MessageSortKeys.ReadAsync(stream, cancellationToken);
        }
    }

    /// <summary>i;ascii-casemap (RFC 4790 §9.2): ASCII a-z to upper case, every other character kept.</summary>
    public static string CaseMap(string value)
    {
        var i = value.AsSpan().IndexOfAnyInRange('a', 'z');
        if (i < 0)
        {
            return value;
        }
        return string.Create(value.Length, (value, i), static (span, state) =>
        {
            state.value.AsSpan().CopyTo(span);
            for (var j = state.i; j < span.Length; j++)
            {
                if (span[j] is >= 'a' and <= 'z')
                {
                    span[j] = (char)(span[j] - 32);
                }
            }
        });
    }

    /// <summary>One key by UID: mapped strings, or sent dates in ticks.</summary>
    private sealed class Column(bool dates)
    {
        public Dictionary<uint, string>? Strings { get; } = dates ? null : [];

        public Dictionary<uint, long>? Dates { get; } = dates ? [] : null;

        /// <summary>Every UID up to this one was read from the index.</summary>
        public uint LoadedUpTo { get; set; }

        public int Count => Strings?.Count ?? Dates!.Count;

        public bool Contains(uint uid) => Strings?.ContainsKey(uid) ?? Dates!.ContainsKey(uid);

        public void Add(uint uid, SortKeyFields field, MessageSortKeys keys)
        {
            if (Dates is not null)
            {
                Dates[uid] = keys.SentDate is { } sent ? sent.UtcTicks : NoDate;
                return;
            }
            var value = field switch
            {
                SortKeyFields.Subject => ImapBaseSubject.Extract(keys.Subject),
                SortKeyFields.FromMailbox => keys.FromMailbox,
                SortKeyFields.FromDisplay => keys.FromDisplay,
                SortKeyFields.ToMailbox => keys.ToMailbox,
                SortKeyFields.ToDisplay => keys.ToDisplay,
                SortKeyFields.CcMailbox => keys.CcMailbox,
                _ => "",
            };
            Strings![uid] = CaseMap(value);
        }
    }
}
