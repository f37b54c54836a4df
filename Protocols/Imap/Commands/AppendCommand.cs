using System.Runtime.InteropServices;
using Mail.Protocols.Imap.Acl;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

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
        var mailbox = _mailbox;
        var rights = MailboxRights.All;
        if (ImapSharedNamespace.IsShared(_mailbox))
        {
            // RFC 4314 §4: APPEND needs i; flags the user may not set are dropped silently.
            var target = await session.ResolveMailboxAsync(_mailbox, cancellationToken);
            if (ImapCommandHelpers.Require(target, MailboxRights.Insert) is { } denied)
            {
                return denied;
            }
            (account, mailbox, rights) = (target!.Store, target.StoreName, target.Rights);
        }
        var uids = new List<uint>();
        uint uidValidity = 0;
        foreach (var (flags, keywords, date, message, upload) in _messages)
        {
            var internalDate = date ?? session.Server.Time.GetUtcNow();
            var allowedFlags = ImapCommandHelpers.AllowedFlags(flags, rights);
            IReadOnlyList<string> allowedKeywords = (rights & MailboxRights.Write) != 0 ? keywords : [];
            AppendResult result;
            if (upload is not null)
            {
                // A large literal already streamed into the store's tmp/ file (ImapLimits.AppendSpoolThresholdOctets).
                result = await AppendUploadAsync(account, mailbox, upload, allowedFlags, allowedKeywords, internalDate, cancellationToken);
            }
            else
            {
                if (!MemoryMarshal.TryGetArray(message, out var segment))
                {
                    segment = new ArraySegment<byte>(message.ToArray());
                }
                using var stream = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
                result = await account.AppendAsync(mailbox, stream, allowedFlags, allowedKeywords, internalDate, cancellationToken);
            }
            if (result.Status != StoreStatus.Ok)
            {
                if (uids.Count > 0 && await account.GetMailboxAsync(mailbox, cancellationToken) is { } info)
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

    /// <summary>
    /// Stores a streamed literal. The upload sits in the session user's own store; into another user's
    /// (shared) mailbox it is read back from that file and appended there, and the file is removed.
    /// </summary>
    private static async Task<AppendResult> AppendUploadAsync(IAccountStore account, string mailbox, MessageUpload upload, MessageFlags flags, IReadOnlyList<string> keywords, DateTimeOffset internalDate, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(upload.Owner, account))
        {
            return await account.AppendUploadAsync(mailbox, upload, flags, keywords, internalDate, cancellationToken);
        }
        using (upload)
        {
            if (upload.TooBig)
            {
                return new AppendResult(StoreStatus.TooBig, 0, 0);
            }
            await upload.CompleteAsync(cancellationToken);
            await using var file = File.OpenRead(upload.TmpPath);
            return await account.AppendAsync(mailbox, file, flags, keywords, internalDate, cancellationToken);
        }
    }
}
