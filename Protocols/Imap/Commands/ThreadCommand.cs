using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Search;
using Mail.Protocols.Imap.Session;
using MimeKit;
using MimeKit.Utils;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// THREAD algorithm charset search-keys (RFC 5256 §4): ORDEREDSUBJECT or REFERENCES over the
/// matching messages; <c>* THREAD (1 2)(3 (4)(5))</c>. Selected state. Charsets other than
/// UTF-8/US-ASCII: <c>NO [BADCHARSET]</c>; unknown algorithm: <c>BAD</c>.
/// </summary>
public class ThreadCommand : ImapCommand
{
    public const string WireName = "THREAD";
    private string _algorithm = "";
    private string _charset = "";
    private ImapSearchKey? _program;

    public override string Name => WireName;

    /// <summary>UID THREAD: the reply lists UIDs.</summary>
    protected virtual bool ByUid => false;

    public override bool AllowsExpunge => ByUid;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !tokenizer.TryReadAtom(out var algorithm) || !tokenizer.Space())
        {
            return false;
        }
        _algorithm = Encoding.ASCII.GetString(algorithm).ToUpperInvariant();
        if (_algorithm is not ("ORDEREDSUBJECT" or "REFERENCES"))
        {
            return tokenizer.Fail("Unknown threading algorithm " + _algorithm);
        }
        if (!tokenizer.TryReadAString(out _charset) || !tokenizer.Space())
        {
            return false;
        }
        return ImapSearchParser.TryReadProgram(ref tokenizer, out _program);
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (!_charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !_charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
        {
            return ImapCommandResult.No("Unsupported charset", "BADCHARSET (UTF-8 US-ASCII)");
        }
        var messages = session.Selected!.Messages.ToList();
        var matches = await SearchCommand.MatchAsync(session, messages, _program!, cancellationToken);
        var input = new List<ImapThreadMessage>(matches.Count);
        foreach (var index in matches)
        {
            var record = messages[index];
            var headers = await SortCommand.LoadHeadersAsync(session, record.Uid, cancellationToken);
            var sent = headers?[HeaderId.Date] is { } dateText && DateUtils.TryParse(dateText, out var date) ? date.UtcDateTime : record.InternalDate.UtcDateTime;
            var messageId = headers?[HeaderId.MessageId] is { } idText ? MimeUtils.EnumerateReferences(idText).FirstOrDefault() : null;
            IReadOnlyList<string> references = [];
            if (headers?[HeaderId.References] is { } refs && MimeUtils.EnumerateReferences(refs).ToList() is { Count: > 0 } list)
            {
                references = list;
            }
            else if (headers?[HeaderId.InReplyTo] is { } inReplyTo && MimeUtils.EnumerateReferences(inReplyTo).FirstOrDefault() is { } parent)
            {
                references = [parent];
            }
            input.Add(new ImapThreadMessage(ByUid ? record.Uid : (uint)(index + 1), index, sent, headers?[HeaderId.Subject], messageId, references));
        }
        var threads = _algorithm == "REFERENCES" ? ImapThreading.References(input) : ImapThreading.OrderedSubject(input);
        var o = session.Out;
        o.Raw("* THREAD"u8);
        if (threads.Length > 0)
        {
            o.Space().Ascii(threads);
        }
        o.Crlf();
        return ImapCommandResult.Ok(Name + " completed");
    }
}

/// <summary>UID THREAD (RFC 5256 §4): THREAD returning UIDs. Selected state.</summary>
public sealed class UidThreadCommand : ThreadCommand
{
    public new const string WireName = "UID THREAD";

    public override string Name => WireName;

    protected override bool ByUid => true;
}
