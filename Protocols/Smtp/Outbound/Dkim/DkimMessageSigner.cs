using System.Collections.Concurrent;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;

namespace Mail.Protocols.Smtp.Outbound.Dkim;

/// <summary>
/// Signs submitted messages with the sender domain's current key (<see cref="DkimKeyStore"/>), RSA-SHA256,
/// relaxed/relaxed canonicalization (RFC 6376 §3.4), over <see cref="SignedHeaders"/>. The message octets
/// are not re-serialized: only the <c>DKIM-Signature</c> field is returned, to be put in front of them.
/// </summary>
public sealed class DkimMessageSigner(DkimKeyStore keys)
{
    /// <summary>Header fields signed when present (RFC 6376 §5.4.1 recommendations).</summary>
    public static readonly IReadOnlyList<string> SignedHeaders =
    [
        "From", "Sender", "Reply-To", "Subject", "Date", "Message-ID", "To", "Cc", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "In-Reply-To", "References", "List-Unsubscribe",
    ];

    private readonly ConcurrentDictionary<string, DkimSigner> _signers = new(StringComparer.Ordinal);

    /// <summary>
    /// Signs <paramref name="message"/> again in place after delivery changed its body (8BITMIME downgrade): removes
    /// the signatures of the sender's domain and adds a new one with the current key. Nothing happens when the
    /// domain has no key or the message no From field.
    /// </summary>
    public void Resign(string sender, MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(message);
        var domain = sender[(sender.LastIndexOf('@') + 1)..].ToLowerInvariant();
        if (Signer(domain) is not { } signer)
        {
            return;
        }
        var present = SignedHeaders.Where(h => message.Headers.Contains(h)).ToList();
        if (!present.Contains("From"))
        {
            return;
        }
        var ours = message.Headers.Where(h => h.Id == HeaderId.DkimSignature
            && h.Value.Replace(" ", "", StringComparison.Ordinal).Contains("d=" + domain + ";", StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var header in ours)
        {
            message.Headers.Remove(header);
        }
        signer.Sign(message, present);
    }

    private DkimSigner? Signer(string domain)
    {
        if (keys.Current(domain) is not { } current)
        {
            return null;
        }
        return _signers.GetOrAdd(current.KeyPath, path => new DkimSigner(path, domain, current.Selector, DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        });
    }

    /// <summary>
    /// The <c>DKIM-Signature</c> field (with its CRLF) for <paramref name="message"/> sent by
    /// <paramref name="sender"/>, or null when the sender's domain has no key. Reads the stream to its end.
    /// </summary>
    public async Task<string?> SignAsync(string sender, Stream message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var domain = sender[(sender.LastIndexOf('@') + 1)..].ToLowerInvariant();
        if (Signer(domain) is not { } signer)
        {
            return null;
        }
        var parsed = await MimeMessage.LoadAsync(message, cancellationToken);
        var present = SignedHeaders.Where(h => parsed.Headers.Contains(h)).ToList();
        if (!present.Contains("From"))
        {
            // RFC 6376 §5.4: From must be signed; a message without one is queued unsigned.
            return null;
        }
        signer.Sign(parsed, present);
        var value = Encoding.ASCII.GetString(parsed.Headers.First(h => h.Id == HeaderId.DkimSignature).RawValue)
            .Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Replace("\n", "\r\n", StringComparison.Ordinal);
        return "DKIM-Signature:" + value + "\r\n";
    }
}
