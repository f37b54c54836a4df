using Mail.Web.Webmail;

namespace Mail.Web.Components.Mailbox;

/// <summary>
/// The rows' positions of a paged list (<see cref="WebmailListIndex.Paged"/>: the server has PARTIAL, RFC 9394):
/// the circuit keeps at most <see cref="MaxCachedBlocks"/> blocks of <see cref="WebmailOptions.PageSize"/> UIDs,
/// read with one PARTIAL SORT/SEARCH per run of missing blocks, never the whole folder's UIDs. A whole list
/// (no PARTIAL, thread view, all folders) is sliced in memory as before.
/// </summary>
public sealed partial class MessageList
{
    /// <summary>Blocks of UIDs a paged list keeps before it empties its block cache.</summary>
    public const int MaxCachedBlocks = 40;

    private readonly Dictionary<int, WebmailListEntry[]> _blocks = [];

    private int BlockRows => Math.Clamp(Options.Value.PageSize, 1, 500);

    /// <summary>Shows <paramref name="index"/>; a paged one's window seeds the block cache.</summary>
    private void SetIndex(WebmailListIndex index)
    {
        _index = index;
        _blocks.Clear();
        if (index.Paged)
        {
            StoreWindow(index, index.Start, index.Start + index.Entries.Length);
        }
    }

    /// <summary>Caches the blocks <paramref name="window"/> answered for positions <paramref name="from"/>..<paramref name="to"/> - 1 (block-aligned).</summary>
    private void StoreWindow(WebmailListIndex window, int from, int to)
    {
        var size = BlockRows;
        for (var block = from / size; block * size < to; block++)
        {
            var offset = block * size - window.Start;
            var first = Math.Clamp(offset, 0, window.Entries.Length);
            var last = Math.Clamp(offset + size, 0, window.Entries.Length);
            // A block past the end of the list is cached empty, so it is not asked for again.
            _blocks[block] = window.Entries[first..last];
        }
    }

    /// <summary>Rows <paramref name="start"/>.. of the list (at most <paramref name="count"/>, fewer at its end).</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    private async Task<WebmailListEntry[]> EntriesAsync(WebmailListIndex index, int start, int count)
    {
        var end = Math.Min(index.Total, start + count);
        if (end <= start)
        {
            return [];
        }
        if (!index.Paged)
        {
            return index.Entries[start..end];
        }
        if (end - start > BlockRows * MaxCachedBlocks / 2)
        {
            return await UncachedEntriesAsync(start, end);
        }
        var size = BlockRows;
        var firstBlock = start / size;
        var lastBlock = (end - 1) / size;
        var missing = Enumerable.Range(firstBlock, lastBlock - firstBlock + 1).Where(b => !_blocks.ContainsKey(b)).ToList();
        if (missing.Count > 0)
        {
            if (await CurrentSession.GetAsync() is not { } session)
            {
                return [];
            }
            if (_blocks.Count + missing.Count > MaxCachedBlocks)
            {
                _blocks.Clear();
                missing = [.. Enumerable.Range(firstBlock, lastBlock - firstBlock + 1)];
            }
            var from = missing[0] * size;
            var to = (missing[^1] + 1) * size;
            var window = await session.GetListWindowAsync(Query, from, to - from, CancellationToken.None);
            if (window is null || !ReferenceEquals(_index, index))
            {
                return [];
            }
            if (window.Total != index.Total)
            {
                // The folder changed since the list was read (push brings the delta): positions moved, start over.
                _blocks.Clear();
                _index = index = index with { TotalCount = window.Total };
                end = Math.Min(index.Total, end);
            }
            StoreWindow(window, from, to);
        }
        var rows = new List<WebmailListEntry>(end - start);
        for (var block = firstBlock; block <= lastBlock && block * size < end; block++)
        {
            if (!_blocks.TryGetValue(block, out var entries))
            {
                break;
            }
            var offset = block * size;
            for (var i = Math.Max(start - offset, 0); i < entries.Length && offset + i < end; i++)
            {
                rows.Add(entries[i]);
            }
        }
        return [.. rows];
    }

    /// <summary>A long run of rows (a Shift-click range), read in windows of at most <see cref="WebmailMailSession.MaxWindowRows"/> and not cached.</summary>
    private async Task<WebmailListEntry[]> UncachedEntriesAsync(int start, int end)
    {
        if (await CurrentSession.GetAsync() is not { } session)
        {
            return [];
        }
        var rows = new List<WebmailListEntry>(end - start);
        while (start < end)
        {
            var window = await session.GetListWindowAsync(Query, start, Math.Min(end - start, WebmailMailSession.MaxWindowRows), CancellationToken.None);
            if (window is null || window.Entries.Length == 0)
            {
                break;
            }
            rows.AddRange(window.Entries);
            start += window.Entries.Length;
        }
        return [.. rows];
    }

    /// <summary>Every (folder, UID) of the list: the whole index, or one UID SEARCH of the folder for a paged list.</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    private async Task<IEnumerable<(string Folder, uint Uid)>> AllKeysAsync(WebmailListIndex index)
    {
        if (!index.Paged)
        {
            return index.Entries.Select(e => (index.Folders[e.FolderIndex], e.Uid));
        }
        if (await CurrentSession.GetAsync() is not { } session)
        {
            return [];
        }
        var folder = index.Folders[0];
        return (await session.GetListUidsAsync(folder, Query, CancellationToken.None)).Select(u => (folder, u));
    }
}
