using Mail.Protocols.Imap.Mime;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// FETCH sequence-set items (RFC 9051 §6.4.5): FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY,
/// BODYSTRUCTURE, UID, BODY[section]&lt;partial&gt;, BODY.PEEK, RFC822(.HEADER/.TEXT) and the
/// macros ALL/FAST/FULL. Selected state. Section octets are the stored octets, never re-serialized.
/// Non-PEEK body fetches set \Seen (not after EXAMINE). <c>BAD</c> for a sequence number beyond the mailbox.
/// </summary>
public partial class FetchCommand : ImapCommand
{
    public const string WireName = "FETCH";
    private readonly List<FetchItem> _items = [];
    private ImapSequenceSet? _set;
    private ulong? _changedSince;
    private bool _vanished;
    private ImapPartialRange? _partial;
    private bool _unknownTransferEncoding;

    public override string Name => WireName;

    /// <summary>UID FETCH: the set holds UIDs and UID is always returned.</summary>
    protected virtual bool ByUid => false;

    public override bool AllowsExpunge => ByUid;

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        var account = selected.Store;
        if (!selected.TryResolve(_set!, ByUid, out var indexes))
        {
            return ImapCommandResult.Bad("Invalid message sequence number");
        }
        if (ByUid && !_items.Any(i => i.Kind == FetchItemKind.Uid))
        {
            _items.Insert(0, new FetchItem(FetchItemKind.Uid));
        }
        if (_changedSince is not null && !_items.Any(i => i.Kind == FetchItemKind.ModSeq))
        {
            _items.Add(new FetchItem(FetchItemKind.ModSeq));
        }
        if (_items.Any(i => i.Kind == FetchItemKind.ModSeq))
        {
            await session.EnableCondStoreAsync(cancellationToken);
        }
        if (_changedSince is { } since)
        {
            indexes = indexes.Where(i => selected.Messages[i].ModSeq > since).ToList();
            if (_vanished)
            {
                // "*" reaches past the highest remaining UID: expunged UIDs above it still count.
                var vanished = (await account.GetExpungedSinceAsync(selected.Id, since, cancellationToken))
                    .Where(u => _set!.Contains(u, uint.MaxValue)).ToList();
                if (vanished.Count > 0)
                {
                    session.Out.Raw("* VANISHED (EARLIER) "u8).Ascii(ImapSequenceSet.Format(vanished)).Crlf();
                }
            }
        }

        if (_partial is { } page)
        {
            // RFC 9394 §3.3: only the messages at these positions among those the UID set (and CHANGEDSINCE) selects.
            var (start, length) = page.Slice(indexes.Count);
            indexes = indexes.GetRange(start, length);
        }

        var seenChanged = new HashSet<uint>();
        // RFC 4314 §4: the implicit \Seen of a non-PEEK fetch needs s; without it the fetch still succeeds.
        if (!selected.ReadOnly && selected.Has(Store.Acl.MailboxRights.Seen) && _items.Any(i => i.SetsSeen))
        {
            var unseen = indexes.Select(i => selected.Messages[i]).Where(m => (m.Flags & MessageFlags.Seen) == 0).Select(m => m.Uid).ToList();
            if (unseen.Count > 0)
            {
                var update = await account.UpdateFlagsAsync(selected.Id, unseen, FlagOperation.Add, MessageFlags.Seen, [], null, cancellationToken);
                foreach (var changed in update.Changed)
                {
                    var index = selected.IndexOfUid(changed.Uid);
                    if (index >= 0)
                    {
                        selected.Messages[index] = changed;
                        seenChanged.Add(changed.Uid);
                    }
                }
            }
        }

        var needContent = _items.Any(i => i.NeedsContent);
        var needStructure = _items.Any(i => i.NeedsStructure);
        var flagsRequested = _items.Any(i => i.Kind == FetchItemKind.Flags);
        foreach (var index in indexes)
        {
            if (index >= selected.Messages.Count)
            {
                break;
            }
            var record = selected.Messages[index];
            ReadOnlyMemory<byte> content = default;
            ImapMessageStructure? structure = null;
            if (needStructure && !needContent)
            {
                structure = session.Server.Structures.Find(account.Account, selected.Id, record.Uid);
            }
            if (needContent || (needStructure && structure is null))
            {
                var loaded = await LoadAsync(account, selected.Id, record, cancellationToken);
                if (loaded is null)
                {
                    continue; // expunged by another session meanwhile; its EXPUNGE comes later
                }
                content = loaded;
                if (needStructure)
                {
                    structure = session.Server.Structures.GetOrParse(account.Account, selected.Id, record.Uid, content);
                }
            }
            WriteMessage(session, index + 1, record, content, structure, flagsRequested || seenChanged.Contains(record.Uid));
            if (session.Out.Unflushed > 64 * 1024)
            {
                await session.Out.FlushAsync(cancellationToken);
            }
        }
        return _unknownTransferEncoding
            ? ImapCommandResult.No("Unknown Content-Transfer-Encoding", "UNKNOWN-CTE")
            : ImapCommandResult.Ok(Name + " completed");
    }

    private static async ValueTask<byte[]?> LoadAsync(IAccountStore account, long mailboxId, MessageRecord record, CancellationToken cancellationToken)
    {
        var stream = await account.OpenMessageAsync(mailboxId, record.Uid, cancellationToken);
        if (stream is null)
        {
            return null;
        }
        await using (stream)
        {
            var buffer = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, int.MaxValue) : (int)Math.Min(record.SizeOctets, int.MaxValue));
            await stream.CopyToAsync(buffer, cancellationToken);
            return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
        }
    }

    private void WriteMessage(ImapSession session, int sequence, MessageRecord record, ReadOnlyMemory<byte> content, ImapMessageStructure? structure, bool writeFlags)
    {
        var o = session.Out;
        o.Raw("* "u8).Number(sequence).Raw(" FETCH ("u8);
        var first = true;
        void Separator()
        {
            if (!first)
            {
                o.Space();
            }
            first = false;
        }
        foreach (var item in _items)
        {
            if (item.Kind == FetchItemKind.Flags)
            {
                continue; // written once below, so a \Seen change is reported too
            }
            Separator();
            switch (item.Kind)
            {
                case FetchItemKind.Uid:
                    o.Raw("UID "u8).Number(record.Uid);
                    break;
                case FetchItemKind.ModSeq:
                    o.Raw("MODSEQ ("u8).Number(record.ModSeq).Raw(")"u8);
                    break;
                case FetchItemKind.EmailId:
                    o.Raw("EMAILID ("u8).Ascii(record.EmailId).Raw(")"u8);
                    break;
                case FetchItemKind.ThreadId:
                    o.Raw("THREADID NIL"u8);
                    break;
                case FetchItemKind.Preview:
                    o.Raw("PREVIEW "u8).String(ImapPreview.Create(content));
                    break;
                case FetchItemKind.SaveDate:
                    if (record.SaveDate is { } saved)
                    {
                        o.Raw("SAVEDATE "u8).Ascii(ImapDateTime.Format(saved));
                    }
                    else
                    {
                        o.Raw("SAVEDATE NIL"u8);
                    }
                    break;
                case FetchItemKind.InternalDate:
                    o.Raw("INTERNALDATE "u8).Ascii(ImapDateTime.Format(record.InternalDate));
                    break;
                case FetchItemKind.Rfc822Size:
                    o.Raw("RFC822.SIZE "u8).Number(record.SizeOctets);
                    break;
                case FetchItemKind.Envelope:
                    o.Raw("ENVELOPE "u8).Raw(o.Utf8 ? structure!.EnvelopeUtf8 : structure!.Envelope);
                    break;
                case FetchItemKind.Body:
                    o.Raw("BODY "u8).Raw(o.Utf8 ? structure!.BodyUtf8 : structure!.Body);
                    break;
                case FetchItemKind.BodyStructure:
                    o.Raw("BODYSTRUCTURE "u8).Raw(o.Utf8 ? structure!.BodyStructureUtf8 : structure!.BodyStructure);
                    break;
                case FetchItemKind.Rfc822:
                    o.Raw("RFC822 "u8).Literal(content.Span);
                    break;
                case FetchItemKind.Rfc822Header:
                    o.Raw("RFC822.HEADER "u8).Literal(new ImapSection([], ImapSectionText.Header, []).Extract(structure!, content)!.Value.Span);
                    break;
                case FetchItemKind.Rfc822Text:
                    o.Raw("RFC822.TEXT "u8).Literal(new ImapSection([], ImapSectionText.Text, []).Extract(structure!, content)!.Value.Span);
                    break;
                case FetchItemKind.Section:
                    WriteSection(o, item, content, structure!);
                    break;
                case FetchItemKind.Binary:
                case FetchItemKind.BinarySize:
                    _unknownTransferEncoding |= !ImapBinary.Write(o, item, content, structure!);
                    break;
                default:
                    throw new InvalidOperationException("Unknown fetch item.");
            }
        }
        if (writeFlags && session.CondStore && !_items.Any(i => i.Kind == FetchItemKind.ModSeq))
        {
            // RFC 7162 §3.2: FETCH responses carrying FLAGS include MODSEQ once CONDSTORE is enabled.
            Separator();
            o.Raw("MODSEQ ("u8).Number(record.ModSeq).Raw(")"u8);
        }
        if (writeFlags)
        {
            Separator();
            o.Raw("FLAGS "u8);
            session.WriteFlags(record);
        }
        o.Raw(")\r\n"u8);
    }

    private static void WriteSection(ImapResponseWriter o, FetchItem item, ReadOnlyMemory<byte> content, ImapMessageStructure structure)
    {
        var section = item.Section!;
        o.Raw("BODY["u8).Ascii(section.Label).Raw("]"u8);
        var data = section.Extract(structure, content) is { } raw ? ImapBinary.ForBody(section, raw, content, structure) : (ReadOnlyMemory<byte>?)null;
        if (item.PartialStart is { } start)
        {
            o.Raw("<"u8).Number(start).Raw(">"u8);
            if (data is { } d)
            {
                var from = (int)Math.Min(start, d.Length);
                var length = (int)Math.Min(item.PartialLength, d.Length - from);
                data = d.Slice(from, length);
            }
        }
        o.Space();
        if (data is null)
        {
            o.Nil();
        }
        else
        {
            o.Literal(data.Value.Span);
        }
    }
}

/// <summary>UID FETCH (RFC 9051 §6.4.9): FETCH addressed by UIDs; UID is always included. Selected state.</summary>
public sealed class UidFetchCommand : FetchCommand
{
    public new const string WireName = "UID FETCH";

    public override string Name => WireName;

    protected override bool ByUid => true;
}
