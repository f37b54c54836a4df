namespace Mail.Protocols.Filtering;

/// <summary>What a <see cref="MessageEdit"/> does.</summary>
public enum MessageEditKind
{
    /// <summary>Append a header field at the end of the header section (SMFIR_ADDHEADER).</summary>
    AddHeader,

    /// <summary>Insert a header field before the field at <see cref="MessageEdit.Index"/> (0-based over all fields; SMFIR_INSHEADER).</summary>
    InsertHeader,

    /// <summary>Replace the <see cref="MessageEdit.Index"/>-th (1-based) field named <see cref="MessageEdit.Name"/>; an empty value
    /// deletes it; a missing one is appended (SMFIR_CHGHEADER).</summary>
    ChangeHeader,

    /// <summary>Replace the whole body with <see cref="MessageEdit.Body"/> (SMFIR_REPLBODY, chunks joined).</summary>
    ReplaceBody,
}

/// <summary>
/// A change a scanner asks for (a milter's header and body modifications), applied by SMTP-in to the delivered copy
/// in the order the scanners are reported, after the scan (see <see cref="MessageEditor"/>).
/// </summary>
/// <param name="Kind">The change.</param>
/// <param name="Name">Header field name (header edits), else empty.</param>
/// <param name="Value">Header field value without the leading space; lines joined by LF or CRLF (header edits), else empty.</param>
/// <param name="Index">Position for <see cref="MessageEditKind.InsertHeader"/> (0-based) or occurrence for <see cref="MessageEditKind.ChangeHeader"/> (1-based).</param>
/// <param name="Body">The new body octets (<see cref="MessageEditKind.ReplaceBody"/>), else null.</param>
public sealed record MessageEdit(MessageEditKind Kind, string Name, string Value, int Index, ReadOnlyMemory<byte>? Body = null);
