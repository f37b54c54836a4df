using Mail.Web.Resources;
using Mail.Web.Webmail;
using MailKit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace Mail.Web.Components.Mailbox;

/// <summary>
/// Multi-select and bulk actions: checkboxes (Shift for a range, Ctrl/Cmd-click on a row to toggle), select
/// all in the folder, and on the selection read/unread, star, archive, delete, move by menu or by dragging
/// onto the folder tree. Every action is one UID STORE or UID MOVE per folder with the selection's UID set
/// (MailKit sends it as compact ranges), never one command per message.
/// </summary>
public sealed partial class MessageList
{
    private readonly HashSet<(string Folder, uint Uid)> _selected = [];
    private bool _allSelected;
    private int? _anchor;
    private IReadOnlyList<WebmailFolder>? _moveTargets;

    [Inject] private IStringLocalizer<ListText> L { get; set; } = default!;

    [Inject] private ListDrag Drag { get; set; } = default!;

    /// <summary>Messages selected (all of the list when "select all" is on).</summary>
    private int SelectedCount => _allSelected ? _index?.Total ?? 0 : _selected.Count;

    private bool IsSelected(MessageListRow row) =>
        row.Summary is { } s && (_allSelected || _selected.Contains((row.Folder, s.Uid)));

    private void ClearSelection()
    {
        _selected.Clear();
        _allSelected = false;
        _anchor = null;
    }

    private async Task OnSelectAsync(RowSelectRequest request)
    {
        if (_index is not { } index || request.Row.Summary is not { } m)
        {
            return;
        }
        try
        {
            if (_allSelected)
            {
                _allSelected = false;
                _selected.UnionWith(await AllKeysAsync(index));
            }
            var position = request.Row.Position;
            if (request.Range && _anchor is { } anchor && position < index.Total && anchor < index.Total)
            {
                var low = Math.Min(anchor, position);
                foreach (var e in await EntriesAsync(index, low, Math.Max(anchor, position) - low + 1))
                {
                    _selected.Add((index.Folders[e.FolderIndex], e.Uid));
                }
                _anchor = position;
                await LoadMoveTargetsAsync();
                return;
            }
        }
        catch (WebmailUnavailableException ex)
        {
            _problem = MailProblem.KindOf(ex);
            return;
        }
        if (!_selected.Remove((request.Row.Folder, m.Uid)))
        {
            _selected.Add((request.Row.Folder, m.Uid));
        }
        _anchor = request.Row.Position;
        await LoadMoveTargetsAsync();
    }

    private async Task OnSelectAllAsync()
    {
        var on = !_allSelected && SelectedCount < (_index?.Total ?? 0);
        ClearSelection();
        _allSelected = on;
        if (on)
        {
            await LoadMoveTargetsAsync();
        }
    }

    /// <summary>The folders the "move to" menu offers (read once per list, when something is first selected).</summary>
    private async Task LoadMoveTargetsAsync()
    {
        if (_moveTargets is not null || SelectedCount == 0 || await CurrentSession.GetAsync() is not { } session)
        {
            return;
        }
        try
        {
            _moveTargets = [.. (await session.GetFoldersAsync(CancellationToken.None)).Where(f => f.Selectable)];
        }
        catch (WebmailUnavailableException ex)
        {
            _problem = MailProblem.KindOf(ex);
        }
    }

    /// <summary>The selection grouped by folder, UIDs ascending ("select all" of a paged list asks the server for the UIDs).</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    private async Task<Dictionary<string, List<uint>>> SelectionByFolderAsync() =>
        ByFolder(_allSelected && _index is { } index ? await AllKeysAsync(index) : _selected);

    /// <summary><paramref name="keys"/> grouped by folder, UIDs ascending.</summary>
    private static Dictionary<string, List<uint>> ByFolder(IEnumerable<(string Folder, uint Uid)> keys)
    {
        var byFolder = new Dictionary<string, List<uint>>(StringComparer.Ordinal);
        foreach (var (folder, uid) in keys)
        {
            if (!byFolder.TryGetValue(folder, out var uids))
            {
                byFolder[folder] = uids = [];
            }
            uids.Add(uid);
        }
        foreach (var uids in byFolder.Values)
        {
            uids.Sort();
        }
        return byFolder;
    }

    /// <summary>Sets or clears <paramref name="flag"/> on the selection: one UID STORE per folder.</summary>
    private async Task BulkFlagAsync(MessageFlags flag, bool on)
    {
        if (await CurrentSession.GetAsync() is not { } session)
        {
            return;
        }
        try
        {
            foreach (var (folder, uids) in await SelectionByFolderAsync())
            {
                var result = await session.SetFlagAsync(folder, uids, flag, on, CancellationToken.None);
                _notice = result == WebmailActionResult.Done ? null : T["Action_" + result].Value;
                if (result != WebmailActionResult.Done)
                {
                    continue;
                }
                foreach (var uid in uids)
                {
                    if (_cache.TryGetValue((folder, uid), out var s))
                    {
                        _cache[(folder, uid)] = flag == MessageFlags.Seen ? s with { Seen = on } : s with { Flagged = on };
                    }
                }
            }
            if (_virtualize is not null)
            {
                await _virtualize.RefreshDataAsync();
            }
        }
        catch (WebmailUnavailableException ex)
        {
            _problem = MailProblem.KindOf(ex);
        }
    }

    /// <summary>Stars the selection, or takes the star off when every selected row shown is starred already.</summary>
    private async Task BulkStarAsync()
    {
        try
        {
            var selection = (await SelectionByFolderAsync()).SelectMany(p => p.Value.Select(u => (p.Key, u))).ToList();
            var allStarred = selection.Count > 0 && selection.All(k => _cache.TryGetValue(k, out var s) && s.Flagged);
            await BulkFlagAsync(MessageFlags.Flagged, !allStarred);
        }
        catch (WebmailUnavailableException ex)
        {
            _problem = MailProblem.KindOf(ex);
        }
    }

    private Task BulkMoveAsync(WebmailFolderRole role) => MoveSelectionAsync(null, role, null);

    private async Task OnMovePickedAsync(ChangeEventArgs e)
    {
        if (e.Value?.ToString() is { Length: > 0 } target)
        {
            await MoveSelectionAsync(null, null, target);
        }
    }

    /// <summary>A row drag starts: the selection when the row is part of it, else just the row.</summary>
    private void OnDragStart(MessageListRow row)
    {
        if (row.Summary is not { } m)
        {
            return;
        }
        // "Select all" is resolved at the drop (one UID SEARCH for a paged list); a selection of rows right away.
        var moving = !IsSelected(row) ? new Dictionary<string, List<uint>>(StringComparer.Ordinal) { [row.Folder] = [m.Uid] }
            : _allSelected ? null
            : ByFolder(_selected);
        Drag.Start(target => InvokeAsync(async () =>
        {
            await MoveSelectionAsync(moving, null, target);
            StateHasChanged();
        }));
    }

    /// <summary>
    /// Moves <paramref name="moving"/> (the selection when null) to the folder of <paramref name="role"/> (Trash, Archive: created when
    /// missing) or to <paramref name="target"/>: one UID MOVE per source folder; then the list is rebuilt.
    /// </summary>
    private async Task MoveSelectionAsync(Dictionary<string, List<uint>>? moving, WebmailFolderRole? role, string? target)
    {
        if (await CurrentSession.GetAsync() is not { } session)
        {
            return;
        }
        try
        {
            moving ??= await SelectionByFolderAsync();
            if (moving.Count == 0)
            {
                return;
            }
            _notice = null;
            foreach (var (folder, uids) in moving)
            {
                var result = role is { } r
                    ? await session.MoveToAsync(folder, uids, r, CancellationToken.None)
                    : await session.MoveAsync(folder, uids, target!, CancellationToken.None);
                if (result != WebmailActionResult.Done)
                {
                    _notice = T["Action_" + result].Value;
                    continue;
                }
                foreach (var uid in uids)
                {
                    _cache.Remove((folder, uid));
                }
            }
            ClearSelection();
            if (await session.GetListIndexAsync(Query, CancellationToken.None) is { } rebuilt)
            {
                SetIndex(rebuilt);
            }
            if (_virtualize is not null)
            {
                await _virtualize.RefreshDataAsync();
            }
        }
        catch (WebmailUnavailableException ex)
        {
            _problem = MailProblem.KindOf(ex);
        }
    }

    private string MoveTargetName(WebmailFolder folder) =>
        folder.Role == WebmailFolderRole.Inbox ? T["Role_Inbox"] : folder.FullName;
}
