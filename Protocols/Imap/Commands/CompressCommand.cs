using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// COMPRESS DEFLATE (RFC 4978 §3): after the tagged OK both directions are raw DEFLATE
/// (<see cref="ImapDeflateStream"/>), over TLS when STARTTLS came first. Authenticated and selected
/// states. <c>NO [COMPRESSIONACTIVE]</c> when compression is already on; <c>BAD</c> for another mechanism.
/// </summary>
public sealed class CompressCommand : ImapCommand
{
    public const string WireName = "COMPRESS";
    private bool _deflate;

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !tokenizer.TryReadAtom(out var mechanism))
        {
            return false;
        }
        _deflate = System.Text.Ascii.EqualsIgnoreCase(mechanism, "DEFLATE"u8);
        return true;
    }

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (!_deflate)
        {
            return ValueTask.FromResult(ImapCommandResult.Bad("Unknown compression mechanism"));
        }
        if (session.IsCompressed)
        {
            return ValueTask.FromResult(ImapCommandResult.No("DEFLATE is already active", "COMPRESSIONACTIVE"));
        }
        return ValueTask.FromResult(ImapCommandResult.Ok("DEFLATE active") with { StartCompression = true, SkipSync = true });
    }
}
