using System.Security.Cryptography;
using System.Text;
using Mail.Protocols.Smtp.Outbound;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Forwarding;

/// <summary>
/// Forwarding for the inbound routes (SMTP-in and the outbound queue's local shortcut): resolves recipients through
/// the directory after undoing SRS (<see cref="SrsAddress"/>), and re-sends forwarded mail through the outbound
/// queue (<see cref="OutboundQueueStore"/>) with the envelope sender rewritten to SRS0 (SRS1 when it is already another
/// forwarder's SRS address).
/// </summary>
/// <remarks>
/// <para>A bounce to a valid <c>SRS0=…@</c><see cref="SrsOptions.Domain"/> resolves to a forward to the original sender, one to a
/// valid <c>SRS1=…@</c><see cref="SrsOptions.Domain"/> to a forward to the first forwarder's SRS0 address (one hop back);
/// a forged or expired one to <see cref="RecipientKind.UnknownUser"/> (550 5.1.1), so the SRS domain is never an open relay.</para>
/// <para>Forwarding needs the outbound queue on this node (the Submission or Outbound role registers it);
/// without it <see cref="CanForward"/> is false and the caller refuses forward-only recipients with a temporary error.</para>
/// <para>Queued forwards carry the original recipient as <see cref="OutboundQueueEntry.AuthenticatedUser"/>, so a
/// remote refusal produces a DSN to the SRS sender, which comes back here and goes on to the original sender.
/// Mail from the null sender (bounces) is forwarded with the null sender and never bounces again.</para>
/// </remarks>
public sealed class MailForwarder
{
    private const string KeyFileName = "srs.key";
    private const int KeyLength = 32;

    private readonly IMailDirectory _directory;
    private readonly OutboundQueueStore? _queue;
    private readonly TimeProvider _time;
    private readonly ILogger<MailForwarder> _logger;
    private readonly Lazy<SrsAddress> _srs;

    public MailForwarder(IMailDirectory directory, IOptions<SrsOptions> srs, IOptions<MailOptions> mail, IServiceProvider services, TimeProvider time, ILogger<MailForwarder> logger)
    {
        ArgumentNullException.ThrowIfNull(srs);
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(services);
        _directory = directory;
        _queue = services.GetService<OutboundQueueStore>();
        _time = time;
        _logger = logger;
        var options = srs.Value;
        var mailOptions = mail.Value;
        _srs = new Lazy<SrsAddress>(() => new SrsAddress(
            options.Domain.Length > 0 ? options.Domain : mailOptions.HostName,
            Keys(options.Secret, mailOptions.FullDataPath),
            options.MaxAgeDays));
    }

    /// <summary>True when this node can queue forwarded mail.</summary>
    public bool CanForward => _queue is not null;

    /// <summary>The SRS rewriter of this node.</summary>
    public SrsAddress Srs => _srs.Value;

    /// <summary>
    /// <see cref="IMailDirectory.ResolveRecipientAsync"/>, except for SRS0 and SRS1 addresses of our SRS domain: a valid one is a
    /// forward to the original sender (SRS0) or to the first forwarder's SRS0 address (SRS1), a forged or expired one an unknown user.
    /// </summary>
    /// <exception cref="DirectoryUnavailableException">The directory cannot answer.</exception>
    public async Task<RecipientResolution> ResolveAsync(string address, CancellationToken cancellationToken)
    {
        switch (Srs.Reverse(address, _time.GetUtcNow(), out var original))
        {
            case SrsReverseResult.Valid:
                return new RecipientResolution(RecipientKind.Local, []) { Forwards = [original] };
            case SrsReverseResult.BadHash or SrsReverseResult.Expired:
                ForwardingLog.SrsRefused(_logger, address);
                return RecipientResolution.UnknownUser;
            default:
                return await _directory.ResolveRecipientAsync(address, cancellationToken);
        }
    }

    /// <summary>Queues <paramref name="message"/> (from its current position) for <paramref name="forwards"/>, sender rewritten by SRS.</summary>
    /// <param name="sender">The envelope sender as received (empty for the null sender).</param>
    /// <param name="recipient">The local recipient whose forwarding this is (recorded as the queue entry's owner, for DSNs).</param>
    /// <param name="forwards">Remote addresses.</param>
    /// <param name="message">The message as it is to be sent.</param>
    /// <param name="cancellationToken">Cancels the write (nothing is queued then).</param>
    /// <returns>The queue id.</returns>
    /// <exception cref="InvalidOperationException">There is no outbound queue on this node (<see cref="CanForward"/> is false).</exception>
    /// <exception cref="IOException">The queue could not be written.</exception>
    public async Task<string> ForwardAsync(string sender, string recipient, IReadOnlyList<string> forwards, Stream message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var queue = _queue ?? throw new InvalidOperationException("Forwarding needs the outbound queue (Submission or Outbound role) on this node.");
        var now = _time.GetUtcNow();
        var envelope = Srs.Forward(sender, now);
        // The forward changes the address: ORCPT keeps the one the message was sent to (RFC 3461 §4.2, §5.2.1 d),
        // relayed to a next hop with DSN and quoted as Original-Recipient in our reports.
        var recipients = forwards.Select(f => new OutboundRecipient { Address = f, OriginalRecipient = "rfc822;" + recipient }).ToList();
        var entry = await queue.EnqueueAsync(envelope, recipients, sender.Length == 0 ? null : recipient, null, null, message, now, cancellationToken);
        ForwardingLog.Forwarded(_logger, entry.Id, recipient, forwards.Count);
        return entry.Id;
    }

    /// <summary>The configured secrets, or the node's key file (created with a random key on first use).</summary>
    private static byte[][] Keys(string secret, string dataPath)
    {
        var configured = secret.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (configured.Length > 0)
        {
            return [.. configured.Select(Encoding.UTF8.GetBytes)];
        }
        var path = Path.Combine(dataPath, KeyFileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataPath);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temp, Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyLength)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            try
            {
                // First writer wins: a node racing another keeps the key already there.
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        return [Convert.FromBase64String(File.ReadAllText(path).Trim())];
    }
}
