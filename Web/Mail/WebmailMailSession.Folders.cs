using MailKit;
using MailKit.Net.Imap;

namespace Mail.Web.Webmail;

public sealed partial class WebmailMailSession
{
    /// <summary>
    /// The personal folders with unread and total counts (LIST, then LIST-STATUS or STATUS per folder,
    /// RFC 9051 §6.3.9/§6.3.11), INBOX first, then the special-use folders (RFC 6154), then the rest by name.
    /// </summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<IReadOnlyList<WebmailFolder>> GetFoldersAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<WebmailFolder>>(async (client, ct) =>
        {
            var ns = client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : new FolderNamespace('/', "");
            IList<IMailFolder> folders;
            try
            {
                folders = await client.GetFoldersAsync(ns, StatusItems.Count | StatusItems.Unread, subscribedOnly: false, ct);
            }
            catch (CommandException ex)
            {
                // A STATUS the server refuses must not hide the folder list: list without counts.
                WebmailLog.ImapCommandFailed(_logger, ex.Message);
                folders = await client.GetFoldersAsync(ns, StatusItems.None, subscribedOnly: false, ct);
            }
            if (!folders.Any(f => f.FullName.Equals("INBOX", StringComparison.OrdinalIgnoreCase)))
            {
                await client.Inbox.StatusAsync(StatusItems.Count | StatusItems.Unread, ct);
                folders.Insert(0, client.Inbox);
            }
            return [.. folders
                .Where(f => !f.Attributes.HasFlag(FolderAttributes.NonExistent))
                .Select(f => ToFolder(client, f))
                .OrderBy(f => f.Role == WebmailFolderRole.Other ? 1 : 0)
                .ThenBy(f => f.Role)
                .ThenBy(f => f.FullName, StringComparer.OrdinalIgnoreCase)];
        }, cancellationToken);

    /// <summary>
    /// Full names of the subscribed folders (LIST with the subscribed-only selection, or LSUB; RFC 9051 §6.3.9,
    /// RFC 5258 §3), compared ordinally; INBOX under its canonical name.
    /// </summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<IReadOnlySet<string>> GetSubscribedFolderNamesAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlySet<string>>(async (client, ct) =>
        {
            var ns = client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : new FolderNamespace('/', "");
            var folders = await client.GetFoldersAsync(ns, StatusItems.None, subscribedOnly: true, ct);
            return folders.Select(f => f.FullName.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : f.FullName)
                .ToHashSet(StringComparer.Ordinal);
        }, cancellationToken);

    private static WebmailFolder ToFolder(ImapClient client, IMailFolder folder)
    {
        var depth = folder.DirectorySeparator == '\0' ? 0 : folder.FullName.Count(c => c == folder.DirectorySeparator);
        var role = folder == client.Inbox || folder.FullName.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? WebmailFolderRole.Inbox
            : folder.Attributes.HasFlag(FolderAttributes.Drafts) ? WebmailFolderRole.Drafts
            : folder.Attributes.HasFlag(FolderAttributes.Sent) ? WebmailFolderRole.Sent
            : folder.Attributes.HasFlag(FolderAttributes.Archive) ? WebmailFolderRole.Archive
            : folder.Attributes.HasFlag(FolderAttributes.Junk) ? WebmailFolderRole.Junk
            : folder.Attributes.HasFlag(FolderAttributes.Trash) ? WebmailFolderRole.Trash
            : WebmailFolderRole.Other;
        var name = role == WebmailFolderRole.Inbox ? "Inbox" : folder.Name;
        return new WebmailFolder(folder.FullName, name, depth, role, folder.Unread, folder.Count,
            !folder.Attributes.HasFlag(FolderAttributes.NoSelect));
    }

    /// <summary>
    /// Opens <paramref name="folderName"/>; null when it does not exist or cannot be selected (a NO is a result, not an
    /// error). A folder this connection has selected already with enough access (read-write serves read-only) is not
    /// selected again: a NOOP brings its changes instead (EXISTS, EXPUNGE/VANISHED, FETCH FLAGS; RFC 9051 §6.1.2), a
    /// few milliseconds where a SELECT of a large folder costs far more.
    /// </summary>
    private async Task<IMailFolder?> OpenFolderAsync(ImapClient client, string folderName, FolderAccess access, CancellationToken cancellationToken)
    {
        try
        {
            var folder = folderName.Equals("INBOX", StringComparison.OrdinalIgnoreCase)
                ? client.Inbox
                : await client.GetFolderAsync(folderName, cancellationToken);
            if (folder.IsOpen && (access == FolderAccess.ReadOnly || folder.Access == FolderAccess.ReadWrite))
            {
                await client.NoOpAsync(cancellationToken);
                return folder;
            }
            await folder.OpenAsync(access, cancellationToken);
            return folder;
        }
        catch (Exception ex) when (ex is FolderNotFoundException or CommandException)
        {
            WebmailLog.ImapCommandFailed(_logger, ex.Message);
            return null;
        }
    }
}
