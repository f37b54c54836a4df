using MailKit;
using MailKit.Net.Imap;

namespace Mail.Web.Webmail;

/// <summary>Outcome of a folder or message action: done, or refused with a reason to show.</summary>
public enum WebmailActionResult
{
    Done,

    /// <summary>The name is empty, too long or has a control character.</summary>
    InvalidName,

    /// <summary>INBOX and special-use folders cannot be renamed or deleted.</summary>
    Protected,

    /// <summary>The folder or message does not exist (any more).</summary>
    NotFound,

    /// <summary>The server refused the command (NO), e.g. the name exists.</summary>
    Refused,
}

public sealed partial class WebmailMailSession
{
    /// <summary>Raised after this session changed folders or messages (counts shown elsewhere in the circuit are stale).</summary>
    public event Action? Changed;

    /// <summary>Longest folder name accepted, in characters.</summary>
    public const int MaxFolderNameLength = 200;

    /// <summary>
    /// CREATE <paramref name="name"/> in the personal namespace (RFC 9051 §6.3.4), then SUBSCRIBE. MailKit
    /// sends the name as a quoted string or literal, so quotes, brackets or CRLF in it are part of the
    /// name and never IMAP syntax.
    /// </summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailActionResult> CreateFolderAsync(string name, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            if (!IsValidFolderName(name))
            {
                return WebmailActionResult.InvalidName;
            }
            try
            {
                var root = client.GetFolder(client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : new FolderNamespace('/', ""));
                var created = await root.CreateAsync(name.Trim(), isMessageFolder: true, ct);
                if (created is not null)
                {
                    await created.SubscribeAsync(ct);
                }
                Changed?.Invoke();
                return WebmailActionResult.Done;
            }
            catch (CommandException ex)
            {
                WebmailLog.ImapCommandFailed(_logger, ex.Message);
                return WebmailActionResult.Refused;
            }
        }, cancellationToken);

    /// <summary>RENAME <paramref name="folderName"/> to <paramref name="newName"/> (same parent, RFC 9051 §6.3.6).</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailActionResult> RenameFolderAsync(string folderName, string newName, CancellationToken cancellationToken) =>
        ManageAsync(folderName, async (client, folder, ct) =>
        {
            if (!IsValidFolderName(newName))
            {
                return WebmailActionResult.InvalidName;
            }
            await folder.RenameAsync(folder.ParentFolder ?? client.GetFolder(client.PersonalNamespaces[0]), newName.Trim(), ct);
            Changed?.Invoke();
            return WebmailActionResult.Done;
        }, cancellationToken);

    /// <summary>DELETE <paramref name="folderName"/> (RFC 9051 §6.3.5); INBOX and special-use folders are protected.</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailActionResult> DeleteFolderAsync(string folderName, CancellationToken cancellationToken) =>
        ManageAsync(folderName, async (_, folder, ct) =>
        {
            await folder.DeleteAsync(ct);
            Changed?.Invoke();
            return WebmailActionResult.Done;
        }, cancellationToken);

    /// <summary>SUBSCRIBE or UNSUBSCRIBE <paramref name="folderName"/> (RFC 9051 §6.3.7/§6.3.8).</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailActionResult> SetSubscribedAsync(string folderName, bool subscribed, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            try
            {
                var folder = await client.GetFolderAsync(folderName, ct);
                await (subscribed ? folder.SubscribeAsync(ct) : folder.UnsubscribeAsync(ct));
                return WebmailActionResult.Done;
            }
            catch (FolderNotFoundException)
            {
                return WebmailActionResult.NotFound;
            }
            catch (CommandException ex)
            {
                WebmailLog.ImapCommandFailed(_logger, ex.Message);
                return WebmailActionResult.Refused;
            }
        }, cancellationToken);

    private Task<WebmailActionResult> ManageAsync(string folderName, Func<ImapClient, IMailFolder, CancellationToken, Task<WebmailActionResult>> action, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            try
            {
                if (folderName.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
                {
                    return WebmailActionResult.Protected;
                }
                var folder = await client.GetFolderAsync(folderName, ct);
                if (ToFolder(client, folder).Role != WebmailFolderRole.Other)
                {
                    return WebmailActionResult.Protected;
                }
                if (folder.IsOpen)
                {
                    await folder.CloseAsync(expunge: false, ct);
                }
                return await action(client, folder, ct);
            }
            catch (FolderNotFoundException)
            {
                return WebmailActionResult.NotFound;
            }
            catch (CommandException ex)
            {
                WebmailLog.ImapCommandFailed(_logger, ex.Message);
                return WebmailActionResult.Refused;
            }
        }, cancellationToken);

    /// <summary>Non-empty after trimming, at most <see cref="MaxFolderNameLength"/> characters, no control characters.</summary>
    public static bool IsValidFolderName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Trim().Length <= MaxFolderNameLength && !name.Any(char.IsControl);

    /// <summary>
    /// Sets (<paramref name="on"/>) or clears <paramref name="flag"/> on <paramref name="uids"/> (UID STORE
    /// +FLAGS.SILENT / -FLAGS.SILENT, RFC 9051 §6.4.6); \Seen for read/unread, \Flagged for the star.
    /// </summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailActionResult> SetFlagAsync(string folderName, IReadOnlyList<uint> uids, MessageFlags flag, bool on, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var folder = await OpenFolderAsync(client, folderName, FolderAccess.ReadWrite, ct);
            if (folder is null)
            {
                return WebmailActionResult.NotFound;
            }
            var ids = uids.Select(u => new UniqueId(u)).ToList();
            await (on ? folder.AddFlagsAsync(ids, flag, silent: true, ct) : folder.RemoveFlagsAsync(ids, flag, silent: true, ct));
            Changed?.Invoke();
            return WebmailActionResult.Done;
        }, cancellationToken);

    /// <summary>
    /// Moves <paramref name="uids"/> to <paramref name="targetName"/> (UID MOVE, RFC 6851; MailKit falls back to
    /// COPY + STORE \Deleted + UID EXPUNGE without MOVE).
    /// </summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailActionResult> MoveAsync(string folderName, IReadOnlyList<uint> uids, string targetName, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            IMailFolder target;
            try
            {
                target = targetName.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(targetName, ct);
            }
            catch (FolderNotFoundException)
            {
                return WebmailActionResult.NotFound;
            }
            return await MoveLockedAsync(client, folderName, uids, target, ct);
        }, cancellationToken);

    /// <summary>Moves <paramref name="uids"/> to the special-use folder of <paramref name="role"/> (\Trash or \Archive, RFC 6154).</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailActionResult> MoveToAsync(string folderName, IReadOnlyList<uint> uids, WebmailFolderRole role, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var special = role switch
            {
                WebmailFolderRole.Trash => SpecialFolder.Trash,
                WebmailFolderRole.Archive => SpecialFolder.Archive,
                WebmailFolderRole.Junk => SpecialFolder.Junk,
                _ => throw new ArgumentOutOfRangeException(nameof(role), role, "only Trash, Archive and Junk are move targets by role"),
            };
            var target = client.Capabilities.HasFlag(ImapCapabilities.SpecialUse) ? client.GetFolder(special) : null;
            if (target is null && role == WebmailFolderRole.Archive)
            {
                target = await CreateArchiveAsync(client, ct);
            }
            return target is null ? WebmailActionResult.NotFound : await MoveLockedAsync(client, folderName, uids, target, ct);
        }, cancellationToken);

    /// <summary>Name of the Archive folder created when the account has none.</summary>
    public const string ArchiveFolderName = "Archive";

    /// <summary>
    /// Creates <see cref="ArchiveFolderName"/> marked <c>\Archive</c> (CREATE ... (USE (\Archive)), RFC 6154 §3,
    /// when the server has CREATE-SPECIAL-USE) and subscribes it; an existing folder of that name is used as is.
    /// </summary>
    private async Task<IMailFolder?> CreateArchiveAsync(ImapClient client, CancellationToken ct)
    {
        var root = client.GetFolder(client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : new FolderNamespace('/', ""));
        try
        {
            var created = client.Capabilities.HasFlag(ImapCapabilities.CreateSpecialUse)
                ? await root.CreateAsync(ArchiveFolderName, [SpecialFolder.Archive], ct)
                : await root.CreateAsync(ArchiveFolderName, isMessageFolder: true, ct);
            if (created is not null)
            {
                await created.SubscribeAsync(ct);
                Changed?.Invoke();
            }
            return created;
        }
        catch (CommandException ex)
        {
            WebmailLog.ImapCommandFailed(_logger, ex.Message);
            try
            {
                return await client.GetFolderAsync(ArchiveFolderName, ct);
            }
            catch (FolderNotFoundException)
            {
                return null;
            }
        }
    }

    private async Task<WebmailActionResult> MoveLockedAsync(ImapClient client, string folderName, IReadOnlyList<uint> uids, IMailFolder target, CancellationToken ct)
    {
        var folder = await OpenFolderAsync(client, folderName, FolderAccess.ReadWrite, ct);
        if (folder is null)
        {
            return WebmailActionResult.NotFound;
        }
        if (folder.FullName == target.FullName)
        {
            return WebmailActionResult.Done;
        }
        try
        {
            await folder.MoveToAsync([.. uids.Select(u => new UniqueId(u))], target, ct);
            Changed?.Invoke();
            return WebmailActionResult.Done;
        }
        catch (CommandException ex)
        {
            WebmailLog.ImapCommandFailed(_logger, ex.Message);
            return WebmailActionResult.Refused;
        }
    }
}
