using System.Runtime.InteropServices;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// APPEND mailbox [(flags)] [date-time] literal (RFC 9051 §6.3.12, UIDPLUS RFC 4315 §3, LITERAL+ RFC 7888).
/// Authenticated or selected state. Stores the literal's octets exactly; replies
/// <c>OK [APPENDUID validity uid]</c>, <c>NO [TRYCREATE]</c> for a missing mailbox, <c>NO [TOOBIG]</c>,
/// <c>NO [OVERQUOTA]</c>. The literal limit is <see cref="ImapLimits.MaxAppendOctets"/>.
/// </summary>
public sealed class AppendCommand : ImapCommand
{
    public const string WireName = "APPEND";
    private string _mailbox = "";
    private MessageFlags _flags;
    private List<string> _keywords = [];
    private DateTimeOffset? _date;
    private ReadOnlyMemory<byte> _message;

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox) || !tokenizer.Space())
        {
            return false;
        }
        if (tokenizer.Peek() == '(')
        {
            if (!ImapCommandHelpers.TryReadFlagList(ref tokenizer, out _flags, out _keywords) || !tokenizer.Space())
            {
                return false;
            }
        }
        if (tokenizer.Peek() == '"')
        {
            if (!tokenizer.TryReadString(out var text) || !tokenizer.Space())
            {
                return false;
            }
            if (!ImapDateTime.TryParseDateTime(text, out var date))
            {
                return tokenizer.Fail("Invalid date-time");
            }
            _date = date;
        }
        if (tokenizer.Peek() is not ('{' or '~'))
        {
            return tokenizer.Fail("Expected a literal with the message");
        }
        return tokenizer.TryReadStringOctets(out _message);
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (_message.Length == 0)
        {
            return ImapCommandResult.No("Empty message");
        }
        if (!MemoryMarshal.TryGetArray(_message, out var segment))
        {
            segment = new ArraySegment<byte>(_message.ToArray());
        }
        using var stream = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
        var date = _date ?? session.Server.Time.GetUtcNow();
        var result = await session.Account!.AppendAsync(_mailbox, stream, _flags, _keywords, date, cancellationToken);
        return result.Status switch
        {
            StoreStatus.Ok => ImapCommandResult.Ok("APPEND completed", $"APPENDUID {result.UidValidity} {result.Uid}"),
            StoreStatus.NoSuchMailbox => ImapCommandResult.No("No such mailbox", "TRYCREATE"),
            _ => ImapCommandHelpers.ToResult(result.Status, "APPEND completed"),
        };
    }
}
