using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// One IMAP command (CONVENTIONS.md §2): parsing of its arguments apart from execution. A new
/// instance serves one invocation. Legal states are in <see cref="ImapStateTable"/>.
/// </summary>
public abstract class ImapCommand
{
    /// <summary>The wire name (e.g. <c>UID FETCH</c>).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether untagged EXPUNGE may be sent while this command completes (RFC 9051 §7.5.1: not during
    /// FETCH, STORE, SEARCH without UID).
    /// </summary>
    public virtual bool AllowsExpunge => true;

    /// <summary>
    /// Parses the arguments; the tokenizer stands right after the command name. Returns false with
    /// <see cref="ImapTokenizer.Error"/> set on bad syntax (→ BAD).
    /// </summary>
    public abstract bool Parse(ref ImapTokenizer tokenizer, ImapSession session);

    /// <summary>Runs the command; untagged responses go to <see cref="ImapSession.Out"/>.</summary>
    public abstract ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken);

    /// <summary>Text for a redacted trace of the arguments (default: the command name only).</summary>
    public virtual bool TraceArguments => true;
}
