using MimeKit;

namespace Mail.Protocols.Filtering;

/// <summary>
/// Finds the verdict record of a stored message ("why was this junk"): SMTP-in writes the queue id
/// into the first <c>X-Mail-Scan: id=QUEUEID; ...</c> field it prepends, and keys the record by
/// (account, queue id) in <see cref="IVerdictStore"/>, so the record is found in whatever mailbox
/// the message was moved to.
/// </summary>
/// <remarks>
/// Only the first <c>X-Mail-Scan</c> field counts: ours is above every field the sender wrote. A
/// message that never passed SMTP-in (appended, submitted locally) has no record; a forged field
/// can at most name another record of the same account, since lookups are per account.
/// </remarks>
public static class VerdictLookup
{
    /// <summary>The header field that carries the queue id.</summary>
    public const string HeaderName = "X-Mail-Scan";

    /// <summary>The queue id in an <c>X-Mail-Scan</c> value (<c>id=7QK2M9XB4C1D; spamd=clean (1.2)</c> → <c>7QK2M9XB4C1D</c>), or null.</summary>
    public static string? QueueIdOf(string? xMailScanValue)
    {
        if (xMailScanValue is null)
        {
            return null;
        }
        var text = xMailScanValue.Trim();
        if (!text.StartsWith("id=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var end = text.IndexOfAny([';', ' ', '\t', '\r', '\n'], 3);
        var id = end < 0 ? text[3..] : text[3..end];
        return id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit) ? id : null;
    }

    /// <summary>The queue id of a message from its header fields (MimeKit's <see cref="HeaderList"/>, as MailKit fetches them), or null.</summary>
    public static string? QueueIdOf(HeaderList headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var index = headers.IndexOf(HeaderName);
        return index < 0 ? null : QueueIdOf(headers[index].Value);
    }

    /// <summary>
    /// The verdict record of the message with <paramref name="headers"/> for <paramref name="account"/>,
    /// or null when it has no <c>X-Mail-Scan</c> id or no record (older than the record store, or not received by SMTP-in).
    /// </summary>
    /// <exception cref="IOException">The verdict store cannot be read.</exception>
    public static async Task<VerdictRecord?> FindForMessageAsync(this IVerdictStore store, string account, HeaderList headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return QueueIdOf(headers) is { } id ? await store.FindAsync(account, id, cancellationToken) : null;
    }
}
