using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace Mail.Web.Webmail;

/// <summary>A message stored in a mailbox: its mailbox name and UID.</summary>
/// <param name="Folder">IMAP mailbox name.</param>
/// <param name="Uid">UID in that mailbox (RFC 4315 APPENDUID); 0 when the server did not say.</param>
public sealed record WebmailStoredMessage(string Folder, uint Uid);

public sealed partial class WebmailMailSession
{
    /// <summary>The signed-in user's credentials (for the outbox, which submits later on their behalf).</summary>
    internal WebmailCredentials Credentials => _credentials;

    /// <summary>
    /// Saves <paramref name="message"/> to the Drafts mailbox (special use <c>\Drafts</c>, RFC 6154; created when
    /// missing) with <c>\Draft \Seen</c>, then removes the draft it replaces (<paramref name="replaces"/>) with
    /// UID EXPUNGE (RFC 4315) so only the newest version is left.
    /// </summary>
    /// <returns>Where the new draft is.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    /// <exception cref="CommandException">The server refused the APPEND (for example over quota).</exception>
    public Task<WebmailStoredMessage> SaveDraftAsync(MimeMessage message, WebmailStoredMessage? replaces, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var drafts = await GetSpecialFolderAsync(client, SpecialFolder.Drafts, "Drafts", ct);
            var uid = await drafts.AppendAsync(new AppendRequest(message, MessageFlags.Draft | MessageFlags.Seen), ct);
            if (replaces is { Uid: > 0 } old)
            {
                await ExpungeLockedAsync(client, old, ct);
            }
            return new WebmailStoredMessage(drafts.FullName, uid?.Id ?? 0);
        }, cancellationToken);

    /// <summary>Deletes one message for good (STORE <c>\Deleted</c> + UID EXPUNGE); a missing message is no error.</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task DeleteMessageAsync(WebmailStoredMessage stored, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            await ExpungeLockedAsync(client, stored, ct);
            return true;
        }, cancellationToken);

    /// <summary>Saves a copy of a sent message to the Sent mailbox (special use <c>\Sent</c>; created when missing) with <c>\Seen</c>.</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    /// <exception cref="CommandException">The server refused the APPEND.</exception>
    public Task<WebmailStoredMessage> SaveSentAsync(MimeMessage message, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var sent = await GetSpecialFolderAsync(client, SpecialFolder.Sent, "Sent", ct);
            var uid = await sent.AppendAsync(new AppendRequest(message, MessageFlags.Seen), ct);
            return new WebmailStoredMessage(sent.FullName, uid?.Id ?? 0);
        }, cancellationToken);

    /// <summary>Sets <c>\Answered</c> on the message a reply went to; a missing message is no error.</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task MarkAnsweredAsync(WebmailStoredMessage stored, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var folder = await OpenFolderAsync(client, stored.Folder, FolderAccess.ReadWrite, ct);
            if (folder is not null && stored.Uid > 0)
            {
                await folder.AddFlagsAsync(new UniqueId(stored.Uid), MessageFlags.Answered, silent: true, ct);
            }
            return true;
        }, cancellationToken);

    /// <summary>The name of the Drafts mailbox (created when missing).</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<string> GetDraftsFolderAsync(CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) => (await GetSpecialFolderAsync(client, SpecialFolder.Drafts, "Drafts", ct)).FullName, cancellationToken);

    private async Task ExpungeLockedAsync(ImapClient client, WebmailStoredMessage stored, CancellationToken ct)
    {
        var folder = await OpenFolderAsync(client, stored.Folder, FolderAccess.ReadWrite, ct);
        if (folder is null || stored.Uid == 0)
        {
            return;
        }
        var ids = new[] { new UniqueId(stored.Uid) };
        await folder.AddFlagsAsync(ids, MessageFlags.Deleted, silent: true, ct);
        if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
        {
            await folder.ExpungeAsync(ids, ct);
        }
        else
        {
            await folder.ExpungeAsync(ct);
        }
    }

    /// <summary>The special-use mailbox <paramref name="use"/>, else one named <paramref name="fallbackName"/>, else a new one.</summary>
    private static async Task<IMailFolder> GetSpecialFolderAsync(ImapClient client, SpecialFolder use, string fallbackName, CancellationToken ct)
    {
        if (client.Capabilities.HasFlag(ImapCapabilities.SpecialUse) || client.Capabilities.HasFlag(ImapCapabilities.XList))
        {
            if (client.GetFolder(use) is { } special)
            {
                return special;
            }
        }
        var ns = client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : new FolderNamespace('/', "");
        var root = client.GetFolder(ns);
        try
        {
            return await client.GetFolderAsync(fallbackName, ct);
        }
        catch (FolderNotFoundException)
        {
            var created = client.Capabilities.HasFlag(ImapCapabilities.CreateSpecialUse)
                ? await root.CreateAsync(fallbackName, [use], ct)
                : await root.CreateAsync(fallbackName, isMessageFolder: true, ct);
            return created ?? await client.GetFolderAsync(fallbackName, ct);
        }
    }
}
