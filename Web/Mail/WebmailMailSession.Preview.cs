using MailKit;
using MimeKit;

namespace Mail.Web.Webmail;

/// <summary>The decoded content of one attachment, for a preview.</summary>
/// <param name="Key">Its cache key (<see cref="WebmailPreviewKey.Content"/>); pages and the page count go under the same key with another item.</param>
/// <param name="FileName">The attachment's file name (<see cref="WebmailMessageParts.FileNameOf"/>).</param>
/// <param name="Content">The decoded octets; null when they are over the caller's limit.</param>
public sealed record WebmailPartContent(WebmailPreviewKey Key, string FileName, byte[]? Content);

public sealed partial class WebmailMailSession
{
    // The cache scope of this sign-in's session on this node: random, never derived from a request.
    private readonly Guid _previewScope = Guid.NewGuid();
    // Cancelled when the session closes: its preview cache entries go with it.
    private readonly CancellationTokenSource _ended = new();
    private int _downloads;

    /// <summary>The node's preview cache; null (no caching) for sessions outside the pool.</summary>
    internal WebmailPreviewCache? PreviewCache { get; init; }

    /// <summary>Whole messages this session downloaded (UID FETCH BODY.PEEK[]): the reader, bodies, attachments, previews.</summary>
    public int MessageDownloads => Volatile.Read(ref _downloads);

    /// <summary>
    /// The decoded content of attachment <paramref name="index"/> of message <paramref name="uid"/> when
    /// <paramref name="select"/> accepts it, from this session's preview cache when it holds this part of this
    /// message version (same UIDVALIDITY, checked with the EXAMINE or NOOP every call makes), else from one UID FETCH
    /// BODY.PEEK[] of the message, then cached (<see cref="WebmailPreviewCache"/>).
    /// </summary>
    /// <param name="maxOctets">Largest content returned; bigger content comes back as null <see cref="WebmailPartContent.Content"/> and is not cached.</param>
    /// <returns>The content; null when the folder, the message or such an attachment does not exist, or the message is over <see cref="WebmailOptions.MaxMessageOctets"/>.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailPartContent?> LoadPartContentAsync(
        string folderName, uint uid, int index, Func<MimeMessage, MimePart?> select, long maxOctets, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var folder = await OpenFolderAsync(client, folderName, FolderAccess.ReadOnly, ct);
            if (folder is null)
            {
                return null;
            }
            var key = new WebmailPreviewKey(_previewScope, Address, folder.FullName, folder.UidValidity, uid, index, WebmailPreviewKey.Content);
            var names = key with { Item = WebmailPreviewKey.FileName };
            if (PreviewCache is { } cache && cache.TryGet<byte[]>(key, out var cached) && cached is not null && cache.TryGet<string>(names, out var cachedName) && cachedName is not null)
            {
                return new WebmailPartContent(key, cachedName, cached);
            }
            var id = new UniqueId(uid);
            var summary = (await folder.FetchAsync([id], MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct)).FirstOrDefault();
            if (summary is null || summary.Size > (ulong)_options.MaxMessageOctets
                || await GetMimeAsync(folder, id, ct) is not { } message || select(message) is not { Content: not null } part)
            {
                return null;
            }
            var fileName = WebmailMessageParts.FileNameOf(part, index);
            using var decoded = new MemoryStream();
            await part.Content.DecodeToAsync(decoded, ct);
            if (decoded.Length > maxOctets)
            {
                return new WebmailPartContent(key, fileName, null);
            }
            var content = decoded.ToArray();
            Remember(names, fileName, 2L * fileName.Length);
            Remember(key, content, content.Length);
            return new WebmailPartContent(key, fileName, content);
        }, cancellationToken);

    /// <summary>A value this session cached under <paramref name="key"/> (a key of another session never matches).</summary>
    public bool TryRecall<T>(WebmailPreviewKey key, out T? value)
    {
        value = default;
        return key.Scope == _previewScope && PreviewCache is { } cache && cache.TryGet(key, out value) && value is not null;
    }

    /// <summary>Caches <paramref name="value"/> (<paramref name="octets"/> long) under <paramref name="key"/> until this session closes or it expires.</summary>
    public void Remember<T>(WebmailPreviewKey key, T value, long octets)
    {
        if (key.Scope == _previewScope && !_closed)
        {
            PreviewCache?.Set(key, value, octets, _ended.Token);
        }
    }
}
