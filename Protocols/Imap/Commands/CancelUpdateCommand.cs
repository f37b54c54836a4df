using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// CANCELUPDATE "tag" ... (RFC 5267 §4.2): ends the result updates of the SEARCH RETURN (UPDATE) commands
/// with those tags. Selected state; <c>NO</c> when a tag names no active update (none is cancelled then).
/// </summary>
public sealed class CancelUpdateCommand : ImapCommand
{
    public const string WireName = "CANCELUPDATE";
    private readonly List<string> _tags = [];

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        while (tokenizer.TryConsume((byte)' '))
        {
            if (!tokenizer.TryReadString(out var tag))
            {
                return false;
            }
            _tags.Add(tag);
        }
        return _tags.Count > 0 || tokenizer.Fail("Expected one or more tags");
    }

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var updates = session.Selected!.SearchUpdates;
        if (_tags.Any(t => !updates.Exists(u => u.Tag == t)))
        {
            return ValueTask.FromResult(ImapCommandResult.No("No such update"));
        }
        updates.RemoveAll(u => _tags.Contains(u.Tag));
        return ValueTask.FromResult(ImapCommandResult.Ok("CANCELUPDATE completed"));
    }
}
