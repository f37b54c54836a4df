using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// ENABLE capability... (RFC 5161, RFC 9051 §6.3.1). Authenticated/selected state. Enables
/// <c>IMAP4rev2</c> and <c>UTF8=ACCEPT</c> (RFC 6855); others are ignored. Answers <c>* ENABLED</c>
/// with what was newly enabled.
/// </summary>
public sealed class EnableCommand : ImapCommand
{
    public const string WireName = "ENABLE";
    private readonly List<string> _capabilities = [];

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        while (tokenizer.TryConsume((byte)' '))
        {
            if (!tokenizer.TryReadAtom(out var cap))
            {
                return false;
            }
            _capabilities.Add(Encoding.ASCII.GetString(cap).ToUpperInvariant());
        }
        return _capabilities.Count > 0 || tokenizer.Fail("Missing capability");
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var enabled = new List<string>();
        foreach (var cap in _capabilities)
        {
            if (cap == "IMAP4REV2" && !session.Rev2)
            {
                session.EnableRev2();
                enabled.Add("IMAP4rev2");
            }
            else if (cap == "UTF8=ACCEPT" && !session.Utf8)
            {
                session.EnableUtf8();
                enabled.Add("UTF8=ACCEPT");
            }
            else if (cap == "QRESYNC" && !session.QResync)
            {
                await session.EnableQResyncAsync(cancellationToken);
                enabled.Add("QRESYNC");
            }
            else if (cap == "CONDSTORE" && !session.CondStore)
            {
                await session.EnableCondStoreAsync(cancellationToken);
                enabled.Add("CONDSTORE");
            }
        }
        session.Out.Raw("* ENABLED"u8);
        foreach (var cap in enabled)
        {
            session.Out.Space().Ascii(cap);
        }
        session.Out.Crlf();
        return ImapCommandResult.Ok("ENABLE completed");
    }
}
