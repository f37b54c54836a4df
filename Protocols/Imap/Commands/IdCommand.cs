using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// ID (RFC 2971): takes the client's identification (NIL or a list of field/value pairs) and answers with the server's.
/// Any state. Before login, <c>x-originating-ip</c> from a trusted proxy (<c>Mail:Authentication:TrustedNetworks</c>)
/// names the real client address used for authentication failure delays.
/// </summary>
public sealed class IdCommand : ImapCommand
{
    public const string WireName = "ID";
    private const string OriginatingIpField = "x-originating-ip";
    private string? _originatingIp;
    private bool _pendingField;

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space())
        {
            return false;
        }
        if (tokenizer.TryKeyword("NIL"u8))
        {
            return true;
        }
        if (!tokenizer.TryOpenList())
        {
            return tokenizer.Fail("Expected NIL or a list");
        }
        var count = 0;
        while (!tokenizer.TryCloseList())
        {
            if (count > 0 && !tokenizer.Space())
            {
                return false;
            }
            if (!tokenizer.TryReadNString(out var text))
            {
                return false;
            }
            if (count % 2 == 1 && _pendingField)
            {
                _originatingIp = text;
            }
            _pendingField = count % 2 == 0 && string.Equals(text, OriginatingIpField, StringComparison.OrdinalIgnoreCase);
            count++;
            if (count > 60)
            {
                return tokenizer.Fail("Too many ID fields");
            }
        }
        return count % 2 == 0 || tokenizer.Fail("ID fields come in pairs");
    }

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.SetOriginatingAddress(_originatingIp);
        session.Out.Raw("* ID (\"name\" \"Mail\" \"vendor\" \"Mail platform\" \"support-url\" NIL)\r\n"u8);
        return ValueTask.FromResult(ImapCommandResult.Ok("ID completed"));
    }
}
