using Mail.Protocols.Filtering.Learning;
using Mail.Protocols.Authentication;
using Mail.Protocols.Hosting;
using Mail.Protocols.Imap.Mime;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Imap.Session;

/// <summary>The services every IMAP session shares (singleton).</summary>
public sealed class ImapServerContext
{
    public ImapServerContext(
        IOptions<ImapOptions> options,
        IOptions<MailOptions> mailOptions,
        IOptions<StoreLimits> storeLimits,
        IMailDirectory directory,
        IMailStore store,
        Store.Acl.MailboxAclStore acl,
        IQuotaProvider quota,
        TlsCertificateProvider certificates,
        SaslAuthenticator authenticator,
        ImapStructureCache structures,
        TimeProvider time,
        ILoggerFactory loggers,
        JunkMoveLearning? junkLearning = null)
    {
        JunkLearning = junkLearning;
        Options = options.Value;
        if (Options.Limits.MaxAppendOctets <= 0)
        {
            Options.Limits.MaxAppendOctets = (int)Math.Min(storeLimits.Value.MaxMessageOctets, int.MaxValue - 65536);
        }
        HostName = mailOptions.Value.HostName;
        Directory = directory;
        Store = store;
        Acl = acl;
        Quota = quota;
        Certificates = certificates;
        Authenticator = authenticator;
        Structures = structures;
        Time = time;
        Logger = loggers.CreateLogger("Mail.Protocols.Imap");
    }

    public ImapOptions Options { get; }

    public string HostName { get; }

    public IMailDirectory Directory { get; }

    public IMailStore Store { get; }

    /// <summary>The access control lists of this node's mailboxes (RFC 4314).</summary>
    public Store.Acl.MailboxAclStore Acl { get; }

    /// <summary>Per-account storage quota (QUOTA, RFC 9208).</summary>
    public IQuotaProvider Quota { get; }

    public TlsCertificateProvider Certificates { get; }

    /// <summary>Authentication shared with POP3 and Submission (mechanisms, password and SCRAM checks, failure delays).</summary>
    public SaslAuthenticator Authenticator { get; }

    public ImapStructureCache Structures { get; }

    /// <summary>Who sees which message as \Recent.</summary>
    public ImapRecentTracker Recent { get; } = new();

    /// <summary>The shared per-mailbox views of the selected mailboxes (one per mailbox on this node).</summary>
    public Views.ImapMailboxViews Views { get; } = new();

    public TimeProvider Time { get; }

    /// <summary>Trains the user's spam filter from COPY/MOVE into and out of Junk; null when the filters are not on this node.</summary>
    public JunkMoveLearning? JunkLearning { get; }

    public ILogger Logger { get; }
}
