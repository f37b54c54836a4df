using Mail.Web.Webmail;

namespace Mail.Web.Components.Mailbox;

/// <summary>
/// Push: the list of a folder follows changes made by any client (new mail, flags, expunges) through the session's
/// push connection (<see cref="WebmailMailSession.Watch"/>), applying each <see cref="WebmailFolderDelta"/> to the index
/// in place: new UIDs are put on top (arrival order), vanished ones dropped, changed rows refetched when visible.
/// Sorted, filtered, searched and threaded views rebuild their index (one ESORT/ESEARCH/THREAD) instead.
/// </summary>
public sealed partial class MessageList
{
    private IDisposable? _watch;
    // Deltas apply one at a time, in order: a rebuild started for an earlier delta (a flag set before an expunge) must
    // not land after the later one's and put back a stale total.
    private readonly SemaphoreSlim _deltaGate = new(1, 1);
    private bool _missedDelta;
    private ulong? _pendingBaseline;

    /// <summary>Watches the folder of <paramref name="query"/> (nothing for a search over all folders).</summary>
    private void WatchFolder(WebmailMailSession session, WebmailListQuery query)
    {
        StopWatching();
        if (query.AllFolders)
        {
            return;
        }
        _missedDelta = false;
        _pendingBaseline = null;
        _watch = session.Watch(query.Folder, delta => _ = InvokeAsync(() => ApplyDeltaAsync(query, delta)));
    }

    private void StopWatching()
    {
        _watch?.Dispose();
        _watch = null;
    }

    /// <summary>Rebuilds the index when a delta came while it was being built (it may predate the change).</summary>
    private async Task CatchUpAsync(WebmailListQuery query)
    {
        if (_pendingBaseline is { } baseline)
        {
            _pendingBaseline = null;
            await ApplyDeltaAsync(query, new WebmailFolderDelta(query.Folder, [], [], [], Resync: false, baseline, Baseline: true));
        }
        if (_missedDelta)
        {
            _missedDelta = false;
            await ApplyDeltaAsync(query, new WebmailFolderDelta(query.Folder, [], [], [], Resync: true));
        }
    }

    private async Task ApplyDeltaAsync(WebmailListQuery query, WebmailFolderDelta delta)
    {
        try
        {
            await _deltaGate.WaitAsync();
        }
        catch (ObjectDisposedException)
        {
            // The list was closed while the delta was queued for the renderer.
            return;
        }
        try
        {
            await ApplyDeltaInOrderAsync(query, delta);
        }
        finally
        {
            _deltaGate.Release();
        }
    }

    private async Task ApplyDeltaInOrderAsync(WebmailListQuery query, WebmailFolderDelta delta)
    {
        if (query != _shown)
        {
            return;
        }
        if (_index is not { } index || index.Folders.Count != 1 || !SameFolder(index.Folders[0], query.Folder))
        {
            // No index yet, or still the previous list's: the one being built may predate this change.
            if (delta.Baseline)
            {
                _pendingBaseline = delta.HighestModSeq;
            }
            else
            {
                _missedDelta = true;
            }
            return;
        }
        if (delta.Baseline)
        {
            // The index is current unless the folder changed between its read and the watcher's SELECT.
            if (index.HighestModSeq != 0 && delta.HighestModSeq <= index.HighestModSeq)
            {
                return;
            }
            delta = delta with { Baseline = false, Resync = true };
        }
        foreach (var uid in delta.Vanished.Concat(delta.Changed))
        {
            _cache.Remove((query.Folder, uid));
        }
        // A paged list holds no UIDs to merge into: it reads its length and first window again (one PARTIAL).
        var arrivalOrder = query.Sort == WebmailSort.Date && query.Filter == WebmailQuickFilter.None
            && string.IsNullOrWhiteSpace(query.Text) && !query.Threads && !index.Paged;
        try
        {
            if (delta.Resync || (!arrivalOrder && (delta.Added.Count > 0 || delta.Vanished.Count > 0 || delta.Changed.Count > 0)))
            {
                if (await CurrentSession.GetAsync() is not { } session)
                {
                    return;
                }
                var rebuilt = await session.GetListIndexAsync(query, CancellationToken.None);
                if (query != _shown || rebuilt is null)
                {
                    return;
                }
                SetIndex(rebuilt);
            }
            else
            {
                if (delta.Added.Count > 0 && await CurrentSession.GetAsync() is { } session)
                {
                    // The rows are fetched on the command connection: it must have seen the new messages first.
                    await session.CatchUpAsync(query.Folder, CancellationToken.None);
                }
                _index = index with { Entries = Merge(index.Entries, delta, query.Ascending), HighestModSeq = Math.Max(index.HighestModSeq, delta.HighestModSeq) };
            }
        }
        catch (WebmailUnavailableException ex)
        {
            _problem = MailProblem.KindOf(ex);
        }
        if (_virtualize is not null)
        {
            await _virtualize.RefreshDataAsync();
        }
        StateHasChanged();
    }

    private static bool SameFolder(string a, string b) =>
        a.Equals(b, a.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>The entries without the vanished UIDs, with the added ones (newer than any listed) at the newest end.</summary>
    private static WebmailListEntry[] Merge(WebmailListEntry[] entries, WebmailFolderDelta delta, bool ascending)
    {
        var vanished = delta.Vanished.Count == 0 ? null : delta.Vanished.ToHashSet();
        var newest = entries.Length == 0 ? 0 : ascending ? entries[^1].Uid : entries[0].Uid;
        var added = delta.Added.Where(u => u > newest && vanished?.Contains(u) != true).Select(u => new WebmailListEntry(0, u, 0));
        var kept = vanished is null ? entries : entries.Where(e => !vanished.Contains(e.Uid));
        return ascending ? [.. kept, .. added] : [.. added.Reverse(), .. kept];
    }
}
