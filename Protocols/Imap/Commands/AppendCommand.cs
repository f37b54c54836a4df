using System.Runtime.InteropServices;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// APPEND mailbox [(flags)] [date-time] literal ... (RFC 9051 §6.3.12, MULTIAPPEND RFC 3502, UIDPLUS RFC 4315 §3, LITERAL+ RFC 7888).
/// Authenticated or selected state. Stores the literal's octets exactly; replies
/// <c>OK [APPENDUID validity uid]</c>, <c>NO [TRYCREATE]</c> for a missing mailbox, <c>NO [TOOBIG]</c>,
/// <c>NO [OVERQUOTA]</c>. The literal limit is <see cref="ImapLimits.MaxAppendOctets"/>; literals over
/// <see cref="ImapLimits.AppendSpoolThresholdOctets"/> arrive already streamed into the store (<see cref="MessageUpload"/>),
/// owned and disposed by the command reader.
/// </summary>
public sealed class AppendCommand : ImapCommand
{
    public const string WireName = "APPEND";
    private readonly List<(MessageFlags Flags, List<string> Keywords, DateTimeOffset? Date, ReadOnlyMemory<byte> Message, MessageUpload? Upload)> _messages = [];
    private string _mailbox = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox) || !tokenizer.Space())
        {
            return false;
        }
        // MULTIAPPEND (RFC 3502 §6.3.11): 1*(SP [flags] [date-time] literal).
        do
        {
            if (!TryReadMessage(ref tokenizer))
            {
                return false;
            }
        }
        while (tokenizer.TryConsume((byte)' '));
        return true;
    }

    private bool TryReadMessage(ref ImapTokenizer tokenizer)
    {
        var flags = MessageFlags.None;
        List<string> keywords = [];
        DateTimeOffset? date = null;
        if (tokenizer.Peek() == '(')
        {
            if (!ImapCommandHelpers.TryReadFlagList(ref tokenizer, out flags, out keywords) || !tokenizer.Space())
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
            if (!ImapDateTime.TryParseDateTime(text, out var parsed))
            {
                return tokenizer.Fail("Invalid date-time");
            }
            date = parsed;
        }
        if (tokenizer.Peek() is not ('{' or '~'))
        {
            return tokenizer.Fail("Expected a literal with the message");
        }
        if (!tokenizer.TryReadMessageLiteral(out var message, out var spooled))
        {
            return false;
        }
        if (spooled is not null && spooled.Content is not MessageUpload)
        {
            return tokenizer.Fail("Unexpected spooled literal");
        }
        _messages.Add((flags, keywords, date, message, spooled?.Content as MessageUpload));
        return true;
    }

    /// <summary>
    /// Stores the messages in order; when one fails, those already stored are removed again so the
    /// command is all-or-nothing (RFC 3502 §3), and the failure is the reply.
    /// </summary>
    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (_messages.Any(m => m.Message.Length == 0 && m.Upload is null))
        {
            return ImapCommandResult.No("Empty message");
        }
        var account = session.Account!;
        var uids = new List<uint>();
        uint uidValidity = 0;
        foreach (var (flags, keywords, date, message, upload) in _messages)
        {
            var internalDate = date ?? session.Server.Time.GetUtcNow();
            AppendResult result;
            if (upload is not null)
            {
                // A large literal already streamed into the store's tmp/ file (ImapLimits.AppendSpoolThresholdOctets).
                result = await account.AppendUploadAsync(_mailbox, upload, flags, keywords, internalDate, cancellationToken);
            }
            else
            {
                if (!MemoryMarshal.TryGetArray(message, out var segment))
                {
                    segment = new ArraySegment<byte>(message.ToArray());
                }
                using var stream = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
                result = await account.AppendAsync(_mailbox, stream, flags, keywords, internalDate, cancellationToken);
            }
            if (result.Status != StoreStatus.Ok)
            {
                if (uids.Count > 0 && await account.GetMailboxAsync(_mailbox, cancellationToken) is { } info)
                {
                    await account.ExpungeAsync(info.Id, uids, requireDeleted: false, CancellationToken.None);
                }
                return result.Status == StoreStatus.NoSuchMailbox
                    ? ImapCommandResult.No("No such mailbox", "TRYCREATE")
                    : ImapCommandHelpers.ToResult(result.Status, "APPEND completed");
            }
            uidValidity = result.UidValidity;
            uids.Add(result.Uid);
        }
        return ImapCommandResult.Ok("APPEND completed", $"APPENDUID {uidValidity} {ImapSequenceSet.Format(uids)}");
    }
}
