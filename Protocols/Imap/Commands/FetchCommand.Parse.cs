using Mail.Protocols.Imap.Mime;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

public partial class FetchCommand
{
    /// <summary>
    /// Parses the fetch-att list of NOTIFY's MessageNew (RFC 5465 §5.2) into a UID FETCH run later with
    /// <see cref="ExecuteForUidsAsync"/>; false with the tokenizer's error on bad syntax.
    /// </summary>
    internal static bool TryParseNotifyAttributes(ref ImapTokenizer tokenizer, ImapSession session, out FetchCommand command)
    {
        command = new UidFetchCommand();
        if (!tokenizer.TryOpenList())
        {
            return tokenizer.Fail("Expected a list of fetch attributes");
        }
        while (!tokenizer.TryCloseList())
        {
            if ((command._items.Count > 0 && !tokenizer.Space()) || !command.TryReadItem(ref tokenizer))
            {
                return false;
            }
        }
        return command._items.Count > 0 || tokenizer.Fail("Empty fetch item list");
    }

    /// <summary>Runs the parsed fetch attributes for <paramref name="uids"/> of the selected mailbox (NOTIFY MessageNew).</summary>
    internal ValueTask<ImapCommandResult> ExecuteForUidsAsync(ImapSession session, IReadOnlyList<uint> uids, CancellationToken cancellationToken)
    {
        _set = new ImapSequenceSet(uids.Select(u => new ImapSequenceRange(u, u)).ToList());
        return ExecuteAsync(session, cancellationToken);
    }

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !tokenizer.TryReadSequenceSet(out _set) || !tokenizer.Space())
        {
            return false;
        }
        if (tokenizer.TryKeyword("ALL"u8))
        {
            _items.AddRange([new(FetchItemKind.Flags), new(FetchItemKind.InternalDate), new(FetchItemKind.Rfc822Size), new(FetchItemKind.Envelope)]);
        }
        else if (tokenizer.TryKeyword("FAST"u8))
        {
            _items.AddRange([new(FetchItemKind.Flags), new(FetchItemKind.InternalDate), new(FetchItemKind.Rfc822Size)]);
        }
        else if (tokenizer.TryKeyword("FULL"u8))
        {
            _items.AddRange([new(FetchItemKind.Flags), new(FetchItemKind.InternalDate), new(FetchItemKind.Rfc822Size), new(FetchItemKind.Envelope), new(FetchItemKind.Body)]);
        }
        else if (tokenizer.TryOpenList())
        {
            while (!tokenizer.TryCloseList())
            {
                if ((_items.Count > 0 && !tokenizer.Space()) || !TryReadItem(ref tokenizer))
                {
                    return false;
                }
            }
            if (_items.Count == 0)
            {
                return tokenizer.Fail("Empty fetch item list");
            }
        }
        else if (!TryReadItem(ref tokenizer))
        {
            return false;
        }
        if (tokenizer.TryConsume((byte)' '))
        {
            // fetch-modifiers (RFC 4466 §2.4): CHANGEDSINCE (RFC 7162 §3.1.4.1), VANISHED (§3.2.6), PARTIAL (RFC 9394 §3.3).
            if (!tokenizer.TryOpenList())
            {
                return tokenizer.Fail("Invalid fetch modifier");
            }
            var first = true;
            while (!tokenizer.TryCloseList())
            {
                if (!first && !tokenizer.Space())
                {
                    return false;
                }
                first = false;
                if (tokenizer.TryKeyword("CHANGEDSINCE"u8))
                {
                    if (!tokenizer.Space() || !tokenizer.TryReadNumber(out var since))
                    {
                        return false;
                    }
                    _changedSince = (ulong)since;
                }
                else if (tokenizer.TryKeyword("VANISHED"u8))
                {
                    _vanished = true;
                }
                else if (ByUid && _partial is null && tokenizer.TryKeyword("PARTIAL"u8))
                {
                    // RFC 9394 §3.3: UID FETCH only, same syntax as the PARTIAL search return option.
                    if (!tokenizer.Space() || !tokenizer.TryReadAtom(out var range) || !ImapPartialRange.TryParse(range, out var partial))
                    {
                        return tokenizer.Fail("PARTIAL needs a range m:n or -m:-n of non-zero numbers");
                    }
                    _partial = partial;
                }
                else
                {
                    return tokenizer.Fail("Unknown fetch modifier");
                }
            }
            if (_vanished && (!ByUid || _changedSince is null || !session.QResync))
            {
                // RFC 7162 §3.2.6: only UID FETCH, with CHANGEDSINCE, after ENABLE QRESYNC.
                return tokenizer.Fail("VANISHED needs UID FETCH, CHANGEDSINCE and QRESYNC");
            }
        }
        return true;
    }

    private bool TryReadItem(ref ImapTokenizer t)
    {
        if (!t.TryReadWord(out var word))
        {
            return false;
        }
        var name = System.Text.Encoding.ASCII.GetString(word).ToUpperInvariant();
        FetchItem? item = name switch
        {
            "UID" => new(FetchItemKind.Uid),
            "FLAGS" => new(FetchItemKind.Flags),
            "INTERNALDATE" => new(FetchItemKind.InternalDate),
            "RFC822.SIZE" => new(FetchItemKind.Rfc822Size),
            "ENVELOPE" => new(FetchItemKind.Envelope),
            "BODYSTRUCTURE" => new(FetchItemKind.BodyStructure),
            "RFC822" => new(FetchItemKind.Rfc822),
            "RFC822.HEADER" => new(FetchItemKind.Rfc822Header),
            "RFC822.TEXT" => new(FetchItemKind.Rfc822Text),
            "MODSEQ" => new(FetchItemKind.ModSeq),
            "EMAILID" => new(FetchItemKind.EmailId),
            "THREADID" => new(FetchItemKind.ThreadId),
            "PREVIEW" => new(FetchItemKind.Preview),
            "SAVEDATE" => new(FetchItemKind.SaveDate),
            "BODY" when t.Peek() != '[' => new(FetchItemKind.Body),
            _ => null,
        };
        if (item is not null)
        {
            _items.Add(item);
            if (item.Kind == FetchItemKind.Preview && t.Peek() == ' ' && t.PeekAt(1) == '(')
            {
                // preview-mod list (RFC 8970 §3): LAZY only; the preview is always computed.
                if (!t.Space() || !t.TryOpenList())
                {
                    return false;
                }
                var first = true;
                while (!t.TryCloseList())
                {
                    if ((!first && !t.Space()) || !t.TryKeyword("LAZY"u8))
                    {
                        return t.Fail("Unknown PREVIEW modifier");
                    }
                    first = false;
                }
            }
            return true;
        }
        if (name is "BINARY" or "BINARY.PEEK" or "BINARY.SIZE")
        {
            return TryReadBinaryItem(ref t, name);
        }
        if (name is not ("BODY" or "BODY.PEEK"))
        {
            return t.Fail("Unknown fetch item " + name);
        }
        if (!t.TryConsume((byte)'[') || !TryReadSection(ref t, out var section) || !t.TryConsume((byte)']'))
        {
            return t.Fail("Invalid section");
        }
        long? start = null;
        long length = 0;
        if (t.TryConsume((byte)'<'))
        {
            if (!t.TryReadNumber(out var s) || !t.TryConsume((byte)'.') || !t.TryReadNumber(out length) || length == 0 || !t.TryConsume((byte)'>'))
            {
                return t.Fail("Invalid partial range");
            }
            start = s;
        }
        _items.Add(new FetchItem(FetchItemKind.Section, section, name == "BODY.PEEK", start, length));
        return true;
    }

    /// <summary>BINARY[section-binary]&lt;partial&gt;, BINARY.PEEK[...], BINARY.SIZE[...] (RFC 3516 §4.2): part numbers only.</summary>
    private bool TryReadBinaryItem(ref ImapTokenizer t, string name)
    {
        if (!t.TryConsume((byte)'['))
        {
            return t.Fail("Invalid binary section");
        }
        var parts = new List<int>();
        while (t.Peek() is >= '1' and <= '9')
        {
            if (!t.TryReadNumber(out var n) || n > 100_000)
            {
                return t.Fail("Invalid part number");
            }
            parts.Add((int)n);
            if (!t.TryConsume((byte)'.'))
            {
                break;
            }
        }
        if (!t.TryConsume((byte)']'))
        {
            return t.Fail("Invalid binary section");
        }
        var section = new ImapSection([.. parts], ImapSectionText.None, []);
        if (name == "BINARY.SIZE")
        {
            _items.Add(new FetchItem(FetchItemKind.BinarySize, section));
            return true;
        }
        long? start = null;
        long length = 0;
        if (t.TryConsume((byte)'<'))
        {
            if (!t.TryReadNumber(out var s) || !t.TryConsume((byte)'.') || !t.TryReadNumber(out length) || length == 0 || !t.TryConsume((byte)'>'))
            {
                return t.Fail("Invalid partial range");
            }
            start = s;
        }
        _items.Add(new FetchItem(FetchItemKind.Binary, section, name == "BINARY.PEEK", start, length));
        return true;
    }

    /// <summary>Parses a section-spec (RFC 9051 §9) up to the closing bracket.</summary>
    internal static bool TryReadSection(ref ImapTokenizer t, out ImapSection section)
    {
        section = new ImapSection([], ImapSectionText.None, []);
        var parts = new List<int>();
        while (t.Peek() is >= '1' and <= '9')
        {
            if (!t.TryReadNumber(out var n) || n > 100_000)
            {
                return t.Fail("Invalid part number");
            }
            parts.Add((int)n);
            if (!t.TryConsume((byte)'.'))
            {
                break;
            }
        }
        var text = ImapSectionText.None;
        var fields = new List<string>();
        if (t.Peek() != ']')
        {
            if (!t.TryReadWord(out var word))
            {
                return false;
            }
            var name = System.Text.Encoding.ASCII.GetString(word).ToUpperInvariant();
            text = name switch
            {
                "HEADER" => ImapSectionText.Header,
                "HEADER.FIELDS" => ImapSectionText.HeaderFields,
                "HEADER.FIELDS.NOT" => ImapSectionText.HeaderFieldsNot,
                "TEXT" => ImapSectionText.Text,
                "MIME" when parts.Count > 0 => ImapSectionText.Mime,
                _ => ImapSectionText.None,
            };
            if (text == ImapSectionText.None)
            {
                return t.Fail("Invalid section text");
            }
            if (text is ImapSectionText.HeaderFields or ImapSectionText.HeaderFieldsNot)
            {
                if (!t.Space() || !t.TryOpenList())
                {
                    return t.Fail("Expected a header field list");
                }
                while (!t.TryCloseList())
                {
                    if ((fields.Count > 0 && !t.Space()) || !t.TryReadAString(out var field))
                    {
                        return false;
                    }
                    fields.Add(field);
                }
                if (fields.Count == 0)
                {
                    return t.Fail("Empty header field list");
                }
            }
        }
        section = new ImapSection([.. parts], text, [.. fields]);
        return true;
    }
}
