namespace Mail.Web.Components.Mailbox;

/// <summary>
/// The messages being dragged in this circuit (scoped per circuit): the message list starts a drag with
/// the move to run, the folder tree runs it on drop. HTML5 drag events reach both components through
/// the same circuit, in order, so no browser-side payload is trusted.
/// </summary>
public sealed class ListDrag
{
    private Func<string, Task>? _drop;

    /// <summary>True between a dragstart on a row and the drop (or the next dragstart).</summary>
    public bool Active => _drop is not null;

    /// <summary>Starts a drag whose drop on a folder runs <paramref name="drop"/> with the folder's full name.</summary>
    public void Start(Func<string, Task> drop) => _drop = drop;

    /// <summary>Ends the drag: the rows were dropped on <paramref name="folder"/>; nothing happens without a drag.</summary>
    public Task DropAsync(string folder)
    {
        var drop = _drop;
        _drop = null;
        return drop is null ? Task.CompletedTask : drop(folder);
    }
}
