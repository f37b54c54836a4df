using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Search;

/// <summary>Parses search keys (RFC 9051 §6.4.4, RFC 3501 §6.4.4 incl. NEW/OLD/RECENT) into <see cref="ImapSearchKey"/>.</summary>
public static class ImapSearchParser
{
    /// <summary>Reads one or more space-separated keys until the end of the command (an implicit AND).</summary>
    public static bool TryReadProgram(ref ImapTokenizer t, out ImapSearchKey program)
    {
        var keys = new List<ImapSearchKey>();
        program = new ImapSearchKey(ImapSearchKind.All);
        do
        {
            if (!TryReadKey(ref t, out var key))
            {
                return false;
            }
            keys.Add(key);
        }
        while (t.TryConsume((byte)' '));
        program = keys.Count == 1 ? keys[0] : new ImapSearchKey(ImapSearchKind.And) { Children = keys };
        return true;
    }

    /// <summary>Reads one search key.</summary>
    public static bool TryReadKey(ref ImapTokenizer t, out ImapSearchKey key)
    {
        key = new ImapSearchKey(ImapSearchKind.All);
        if (t.HasError)
        {
            return false;
        }
        if (t.TryOpenList())
        {
            var keys = new List<ImapSearchKey>();
            while (!t.TryCloseList())
            {
                if (t.HasError || (keys.Count > 0 && !t.Space()) || !TryReadKey(ref t, out var inner))
                {
                    return false;
                }
                keys.Add(inner);
            }
            if (keys.Count == 0)
            {
                return t.Fail("Empty search list");
            }
            key = new ImapSearchKey(ImapSearchKind.And) { Children = keys };
            return true;
        }
        if (t.AtSequenceSet)
        {
            if (!t.TryReadSequenceSet(out var set))
            {
                return false;
            }
            key = new ImapSearchKey(ImapSearchKind.SequenceSet) { Set = set };
            return true;
        }
        if (!t.TryReadAtom(out var atom))
        {
            return false;
        }
        var name = Encoding.ASCII.GetString(atom).ToUpperInvariant();
        switch (name)
        {
            case "ALL": key = new(ImapSearchKind.All); return true;
            case "ANSWERED": key = Has(MessageFlags.Answered); return true;
            case "DELETED": key = Has(MessageFlags.Deleted); return true;
            case "DRAFT": key = Has(MessageFlags.Draft); return true;
            case "FLAGGED": key = Has(MessageFlags.Flagged); return true;
            case "SEEN": key = Has(MessageFlags.Seen); return true;
            case "UNANSWERED": key = Lacks(MessageFlags.Answered); return true;
            case "UNDELETED": key = Lacks(MessageFlags.Deleted); return true;
            case "UNDRAFT": key = Lacks(MessageFlags.Draft); return true;
            case "UNFLAGGED": key = Lacks(MessageFlags.Flagged); return true;
            case "UNSEEN": key = Lacks(MessageFlags.Seen); return true;
            // RFC 3501 §6.4.4: NEW = RECENT UNSEEN, OLD = NOT RECENT.
            case "NEW":
                key = new(ImapSearchKind.And) { Children = [new(ImapSearchKind.Recent), Lacks(MessageFlags.Seen)] };
                return true;
            case "RECENT": key = new(ImapSearchKind.Recent); return true;
            case "EMAILID":
            case "THREADID":
                // RFC 8474 §6; without thread ids THREADID matches nothing.
                if (!t.Space() || !t.TryReadAtom(out var objectId))
                {
                    return false;
                }
                key = name == "EMAILID"
                    ? new(ImapSearchKind.EmailId) { Value = Encoding.ASCII.GetString(objectId) }
                    : new(ImapSearchKind.None);
                return true;
            case "MODSEQ":
                // MODSEQ [entry-name entry-type-req] mod-sequence-valzer (RFC 7162 §3.1.5); flags have no per-entry MODSEQ here.
                if (!t.Space())
                {
                    return false;
                }
                if (t.Peek() == '"')
                {
                    if (!t.TryReadAString(out _) || !t.Space() || !t.TryReadAtom(out var entryType) || !t.Space())
                    {
                        return false;
                    }
                    if (Encoding.ASCII.GetString(entryType).ToUpperInvariant() is not ("ALL" or "PRIV" or "SHARED"))
                    {
                        return t.Fail("Invalid MODSEQ entry type");
                    }
                }
                if (!t.TryReadNumber(out var modseq))
                {
                    return false;
                }
                key = new(ImapSearchKind.ModSeq) { Size = modseq };
                return true;
            case "OLD": key = new(ImapSearchKind.Not) { Children = [new(ImapSearchKind.Recent)] }; return true;
            case "KEYWORD":
            case "UNKEYWORD":
                if (!t.Space() || !t.TryReadAtom(out var kw))
                {
                    return false;
                }
                key = new(name == "KEYWORD" ? ImapSearchKind.Keyword : ImapSearchKind.Unkeyword) { Value = Encoding.ASCII.GetString(kw) };
                return true;
            case "BEFORE": return ReadDate(ref t, ImapSearchKind.Before, out key);
            case "ON": return ReadDate(ref t, ImapSearchKind.On, out key);
            case "SINCE": return ReadDate(ref t, ImapSearchKind.Since, out key);
            case "SAVEDBEFORE": return ReadDate(ref t, ImapSearchKind.SavedBefore, out key);
            case "SAVEDON": return ReadDate(ref t, ImapSearchKind.SavedOn, out key);
            case "SAVEDSINCE": return ReadDate(ref t, ImapSearchKind.SavedSince, out key);
            case "SAVEDATESUPPORTED": key = new(ImapSearchKind.SaveDateSupported); return true;
            case "SENTBEFORE": return ReadDate(ref t, ImapSearchKind.SentBefore, out key);
            case "SENTON": return ReadDate(ref t, ImapSearchKind.SentOn, out key);
            case "SENTSINCE": return ReadDate(ref t, ImapSearchKind.SentSince, out key);
            case "LARGER":
            case "SMALLER":
                if (!t.Space() || !t.TryReadNumber(out var size))
                {
                    return false;
                }
                key = new(name == "LARGER" ? ImapSearchKind.Larger : ImapSearchKind.Smaller) { Size = size };
                return true;
            case "FROM":
            case "TO":
            case "CC":
            case "BCC":
            case "SUBJECT":
                if (!t.Space() || !t.TryReadAString(out var value))
                {
                    return false;
                }
                key = new(ImapSearchKind.Header) { Field = name, Value = value };
                return true;
            case "HEADER":
                if (!t.Space() || !t.TryReadAString(out var field) || !t.Space() || !t.TryReadAString(out var fieldValue))
                {
                    return false;
                }
                key = new(ImapSearchKind.Header) { Field = field, Value = fieldValue };
                return true;
            case "BODY":
            case "TEXT":
                if (!t.Space() || !t.TryReadAString(out var text))
                {
                    return false;
                }
                key = new(name == "BODY" ? ImapSearchKind.Body : ImapSearchKind.Text) { Value = text };
                return true;
            case "UID":
                if (!t.Space() || !t.TryReadSequenceSet(out var uids))
                {
                    return false;
                }
                key = new(ImapSearchKind.UidSet) { Set = uids };
                return true;
            case "NOT":
                if (!t.Space() || !TryReadKey(ref t, out var negated))
                {
                    return false;
                }
                key = new(ImapSearchKind.Not) { Children = [negated] };
                return true;
            case "OR":
                if (!t.Space() || !TryReadKey(ref t, out var left) || !t.Space() || !TryReadKey(ref t, out var right))
                {
                    return false;
                }
                key = new(ImapSearchKind.Or) { Children = [left, right] };
                return true;
            default:
                return t.Fail("Unknown search key " + name);
        }
    }

    private static ImapSearchKey Has(MessageFlags flag) => new(ImapSearchKind.HasFlags) { Flags = flag };

    private static ImapSearchKey Lacks(MessageFlags flag) => new(ImapSearchKind.LacksFlags) { Flags = flag };

    private static bool ReadDate(ref ImapTokenizer t, ImapSearchKind kind, out ImapSearchKey key)
    {
        key = new(kind);
        if (!t.Space() || !t.TryReadAString(out var text))
        {
            return false;
        }
        if (!ImapDateTime.TryParseDate(text, out var date))
        {
            return t.Fail("Invalid date");
        }
        key = new(kind) { Date = date };
        return true;
    }
}
