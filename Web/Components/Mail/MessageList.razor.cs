using Mail.Web.Hosting;
using Mail.Web.Resources;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.Extensions.Localization;

namespace Mail.Web.Components.Mailbox;

/// <summary>
/// The message list of a folder (or a search over all folders) with virtual scrolling: the list's length and
/// first rows come from one PARTIAL SORT/SEARCH when the server has PARTIAL (RFC 9394; later windows likewise,
/// MessageList.Paging.cs), else the whole list's UIDs from one ESORT/ESEARCH/THREAD
/// (<see cref="WebmailMailSession.GetListIndexAsync"/>); <see cref="Virtualize{TItem}"/> fetches only the rows on screen. Prerendering shows the first
/// <see cref="WebmailOptions.PageSize"/> rows as plain HTML and hands them to the circuit.
/// </summary>
public sealed partial class MessageList
{
    /// <summary>Height of one row in CSS pixels (MessageList.razor.css keeps rows at exactly this height).</summary>
    public const int RowHeight = 52;

    /// <summary>Longest search text accepted; longer input is cut.</summary>
    public const int MaxSearchLength = WebmailListQuery.MaxTextLength;

    /// <summary>Rows kept in the circuit's row cache before it is emptied (a dozen screens; bounds an idle tab's memory).</summary>
    public const int MaxCachedRows = 600;

    private static readonly WebmailQuickFilter[] Filters = [WebmailQuickFilter.Unread, WebmailQuickFilter.Flagged, WebmailQuickFilter.Attachments];

    private readonly Dictionary<(string Folder, uint Uid), WebmailMessageSummary> _cache = [];
    private WebmailListIndex? _index;
    private List<MessageListRow>? _prerendered;
    private MailProblem.ProblemKind? _problem;
    private WebmailListQuery? _shown;
    private Virtualize<MessageListRow>? _virtualize;
    private CancellationTokenSource _loading = new();

    [Inject] private WebmailCurrentSession CurrentSession { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Inject] private IStringLocalizer<MailText> T { get; set; } = default!;

    [Inject] private Microsoft.Extensions.Options.IOptions<WebmailOptions> Options { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "folder")] private string? Folder { get; set; }

    [SupplyParameterFromQuery(Name = "sort")] private string? SortName { get; set; }

    [SupplyParameterFromQuery(Name = "order")] private string? Order { get; set; }

    [SupplyParameterFromQuery(Name = "filter")] private string? FilterName { get; set; }

    [SupplyParameterFromQuery(Name = "q")] private string? Text { get; set; }

    [SupplyParameterFromQuery(Name = "scope")] private string? Scope { get; set; }

    [SupplyParameterFromQuery(Name = "view")] private string? View { get; set; }

    /// <summary>The first rows rendered during prerendering, handed to the interactive render (no second fetch, no blank flash).</summary>
    [PersistentState] public List<WebmailMessageSummary>? PrerenderedRows { get; set; }

    /// <summary>The list the URL asks for.</summary>
    private WebmailListQuery Query { get; set; } = new("INBOX");

    private bool ShowFolderColumn => Query.AllFolders && !string.IsNullOrWhiteSpace(Query.Text);

    private string Title =>
        !string.IsNullOrWhiteSpace(Query.Text) ? T["SearchResults"]
        : Query.Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? T["Role_Inbox"] : Query.Folder;

    private string CountText
    {
        get
        {
            var total = _index?.Total;
            return total is null ? "" : total == 1 ? T["MessageCountOne"] : T["MessageCountMany", total];
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        var query = ParseQuery();
        if (query == _shown)
        {
            return;
        }
        _shown = query;
        Query = query;
        _searchText = query.Text ?? "";
        _problem = null;
        ClearSelection();
        _moveTargets = null;
        await _loading.CancelAsync();
        _loading.Dispose();
        _loading = new CancellationTokenSource();
        var cancellation = _loading.Token;

        var session = await CurrentSession.GetAsync();
        if (session is null)
        {
            _problem = MailProblem.ProblemKind.CredentialsRejected;
            return;
        }
        try
        {
            if (!RendererInfo.IsInteractive)
            {
                await PrerenderFirstRowsAsync(session, query);
                return;
            }
            if (PrerenderedRows is { } handed)
            {
                _prerendered = [.. handed.Select((s, i) => new MessageListRow(query.Folder, s, 0, i))];
                PrerenderedRows = null;
                StateHasChanged();
            }
            WatchFolder(session, query);
            var index = await session.GetListIndexAsync(query, CancellationToken.None);
            if (cancellation.IsCancellationRequested)
            {
                return;
            }
            if (index is null)
            {
                StopWatching();
                Navigation.NotFound();
                return;
            }
            SeedCache(index);
            SetIndex(index);
            _prerendered = null;
            if (_virtualize is not null)
            {
                await _virtualize.RefreshDataAsync();
            }
            await CatchUpAsync(query);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // A newer navigation replaced this list.
        }
        catch (WebmailUnavailableException ex)
        {
            _problem = MailProblem.KindOf(ex);
        }
    }

    /// <summary>Static first paint: the index, then the first page of rows, kept for the circuit.</summary>
    private async Task PrerenderFirstRowsAsync(WebmailMailSession session, WebmailListQuery query)
    {
        var index = await session.GetListIndexAsync(query, CancellationToken.None);
        if (index is null)
        {
            Navigation.NotFound();
            return;
        }
        var first = index.Entries.Take(Math.Clamp(Options.Value.PageSize, 1, 500)).ToList();
        var rows = new List<MessageListRow>(first.Count);
        foreach (var group in first.GroupBy(e => e.FolderIndex))
        {
            var folder = index.Folders[group.Key];
            foreach (var s in await session.FetchSummariesAsync(folder, [.. group.Select(e => e.Uid)], CancellationToken.None))
            {
                _cache[(folder, s.Uid)] = s;
            }
        }
        foreach (var e in first)
        {
            var folder = index.Folders[e.FolderIndex];
            if (_cache.TryGetValue((folder, e.Uid), out var summary))
            {
                rows.Add(new MessageListRow(folder, summary, e.Depth, rows.Count));
            }
        }
        _prerendered = rows;
        _index = null;
        PrerenderedRows = query.AllFolders ? null : [.. rows.Select(r => r.Summary!)];
    }

    private void SeedCache(WebmailListIndex index)
    {
        if (_prerendered is null)
        {
            return;
        }
        foreach (var row in _prerendered)
        {
            if (row.Summary is { } s)
            {
                _cache[(row.Folder, s.Uid)] = s;
            }
        }
    }

    /// <summary>The Virtualize items provider: the requested window of the index, fetching the rows not cached.</summary>
    private async ValueTask<Microsoft.AspNetCore.Components.Web.Virtualization.ItemsProviderResult<MessageListRow>> LoadRowsAsync(ItemsProviderRequest request)
    {
        var index = _index;
        if (index is null)
        {
            return new([], 0);
        }
        WebmailListEntry[] window;
        try
        {
            window = await EntriesAsync(index, request.StartIndex, request.Count);
        }
        catch (WebmailUnavailableException ex)
        {
            _problem = MailProblem.KindOf(ex);
            _ = InvokeAsync(StateHasChanged);
            return new([], index.Total);
        }
        index = _index ?? index;
        var missing = window.Where(e => !_cache.ContainsKey((index.Folders[e.FolderIndex], e.Uid))).ToList();
        if (missing.Count > 0)
        {
            var session = await CurrentSession.GetAsync();
            if (session is null)
            {
                return new([], index.Total);
            }
            if (_cache.Count + missing.Count > MaxCachedRows)
            {
                _cache.Clear();
            }
            try
            {
                foreach (var group in missing.GroupBy(e => e.FolderIndex))
                {
                    var folder = index.Folders[group.Key];
                    // Not cancelled with the request: MailKit drops the connection when a command is cancelled
                    // mid-flight, and a window's fetch is small; Virtualize ignores a superseded answer.
                    foreach (var s in await session.FetchSummariesAsync(folder, [.. group.Select(e => e.Uid)], CancellationToken.None))
                    {
                        _cache[(folder, s.Uid)] = s;
                    }
                }
            }
            catch (WebmailUnavailableException ex)
            {
                _problem = MailProblem.KindOf(ex);
                _ = InvokeAsync(StateHasChanged);
                return new([], index.Total);
            }
        }
        var rows = window.Select((e, i) =>
        {
            var folder = index.Folders[e.FolderIndex];
            return new MessageListRow(folder, _cache.GetValueOrDefault((folder, e.Uid)), e.Depth, request.StartIndex + i);
        }).ToList();
        return new(rows, index.Total);
    }

    private WebmailListQuery ParseQuery() => WebmailListQuery.Parse(Folder, SortName, Order, FilterName, Text, Scope, View);

    private string _searchText = "";

    private void OnSearchChanged(ChangeEventArgs e) => _searchText = e.Value?.ToString() ?? "";

    private void OnSearchKey(KeyboardEventArgs e)
    {
        if (e.Key == "Enter")
        {
            Search();
        }
    }

    private void OnScopeChanged(ChangeEventArgs e)
    {
        var all = e.Value is true || string.Equals(e.Value?.ToString(), "true", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(Query.Text))
        {
            Navigation.NavigateTo(WebmailRoutes.List(Query with { AllFolders = all }));
        }
        else
        {
            _searchAll = all;
        }
    }

    private bool _searchAll;

    private void Search()
    {
        var text = _searchText.Trim();
        Navigation.NavigateTo(WebmailRoutes.List(Query with { Text = text.Length == 0 ? null : text, AllFolders = text.Length > 0 && (_searchAll || Query.AllFolders) }));
    }

    private string? _notice;

    /// <summary>A row button: flags change in place; archive and delete move the message and rebuild the index.</summary>
    private async Task OnRowActionAsync(RowActionRequest request)
    {
        var (action, row) = request;
        if (row.Summary is not { } m || await CurrentSession.GetAsync() is not { } session)
        {
            return;
        }
        try
        {
            var result = action switch
            {
                RowAction.Star => await session.SetFlagAsync(row.Folder, [m.Uid], MailKit.MessageFlags.Flagged, !m.Flagged, CancellationToken.None),
                RowAction.ToggleRead => await session.SetFlagAsync(row.Folder, [m.Uid], MailKit.MessageFlags.Seen, !m.Seen, CancellationToken.None),
                RowAction.Archive => await session.MoveToAsync(row.Folder, [m.Uid], WebmailFolderRole.Archive, CancellationToken.None),
                _ => await session.MoveToAsync(row.Folder, [m.Uid], WebmailFolderRole.Trash, CancellationToken.None),
            };
            _notice = result == WebmailActionResult.Done ? null : T["Action_" + result].Value;
            if (result != WebmailActionResult.Done)
            {
                return;
            }
            if (action is RowAction.Star or RowAction.ToggleRead)
            {
                _cache[(row.Folder, m.Uid)] = action == RowAction.Star ? m with { Flagged = !m.Flagged } : m with { Seen = !m.Seen };
            }
            else
            {
                _cache.Remove((row.Folder, m.Uid));
                if (await session.GetListIndexAsync(Query, CancellationToken.None) is { } rebuilt)
                {
                    SetIndex(rebuilt);
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

    public void Dispose()
    {
        StopWatching();
        _loading.Cancel();
        _loading.Dispose();
        _deltaGate.Dispose();
    }
}

/// <summary>A row of the list: where the message is and its summary (null while unknown or when it vanished).</summary>
/// <param name="Folder">The message's folder.</param>
/// <param name="Summary">Envelope, flags, size.</param>
/// <param name="Depth">Thread depth.</param>
/// <param name="Position">Zero-based position in the list (for Shift-click ranges and aria-rowindex).</param>
public sealed record MessageListRow(string Folder, WebmailMessageSummary? Summary, int Depth = 0, int Position = 0);

/// <summary>A click on a row's selection checkbox.</summary>
/// <param name="Row">The row.</param>
/// <param name="Range">Shift was held: select from the last clicked row to this one.</param>
/// <param name="Toggle">Ctrl or Cmd was held (a Ctrl-click on the row itself arrives as this).</param>
public sealed record RowSelectRequest(MessageListRow Row, bool Range, bool Toggle);

/// <summary>A button of a list row.</summary>
public enum RowAction
{
    Star,
    ToggleRead,
    Archive,
    Delete,
}

/// <summary>A row button pressed on <paramref name="Row"/>.</summary>
/// <param name="Action">Which button.</param>
/// <param name="Row">The row.</param>
public sealed record RowActionRequest(RowAction Action, MessageListRow Row);
