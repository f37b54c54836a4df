using MailKit;
using MailKit.Net.Imap;

namespace Mail.Web.Webmail;

internal sealed partial class WebmailSessionWatcher
{
    private const StatusItems PolledItems = StatusItems.Count | StatusItems.UidNext | StatusItems.Unread | StatusItems.UidValidity | StatusItems.HighestModSeq;

    // The fallback's last STATUS of each watched folder that is not selected (-1 unread: not known yet).
    private readonly Dictionary<string, FolderSnapshot> _snapshots = new(StringComparer.Ordinal);

    /// <summary>Remembers the selected folder's state before another is selected, so the fallback's first STATUS of it is compared.</summary>
    private void RememberSelected()
    {
        if (_selectedName is not { } name)
        {
            return;
        }
        lock (_hooked)
        {
            _snapshots[name] = new FolderSnapshot(_uidValidity, _uidNext, _count, _modSeq, -1);
        }
    }

    /// <summary>
    /// Without NOTIFY: STATUS (RFC 9051 §6.3.11) for every watched folder that is not selected; one that moved since the
    /// last STATUS gets a resync (its lists rebuild).
    /// </summary>
    /// <returns>True when some folder changed (the counts are read again).</returns>
    private async Task<bool> PollOthersAsync(ImapClient client, CancellationToken stop)
    {
        var any = false;
        foreach (var name in OtherWatched(_selectedName))
        {
            IMailFolder folder;
            try
            {
                folder = await client.GetFolderAsync(name, stop);
                await folder.StatusAsync(PolledItems, stop);
            }
            catch (Exception ex) when (ex is FolderNotFoundException or CommandException)
            {
                continue;
            }
            var now = new FolderSnapshot(folder.UidValidity, folder.UidNext?.Id ?? 0, folder.Count, folder.HighestModSeq, folder.Unread);
            FolderSnapshot? before;
            lock (_hooked)
            {
                before = _snapshots.TryGetValue(name, out var b) ? b : null;
                _snapshots[name] = now;
            }
            if (before is { } old && !old.SameAs(now))
            {
                any = true;
                PublishFolder(new WebmailFolderDelta(name, [], [], [], Resync: true));
            }
        }
        return any;
    }

    private readonly record struct FolderSnapshot(uint UidValidity, uint UidNext, int Count, ulong HighestModSeq, int Unread)
    {
        public bool SameAs(FolderSnapshot other) =>
            UidValidity == other.UidValidity && UidNext == other.UidNext && Count == other.Count && HighestModSeq == other.HighestModSeq
            && (Unread < 0 || other.Unread < 0 || Unread == other.Unread);
    }
}
