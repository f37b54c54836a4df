namespace Mail.Protocols.Pop3.Commands;

/// <summary>
/// QUIT (RFC 1939 §6): in TRANSACTION enters UPDATE and removes the messages marked deleted
/// (expunged regardless of \Deleted, <c>requireDeleted: false</c>); in AUTHORIZATION just closes.
/// A dropped connection never reaches UPDATE, so it deletes nothing. The maildrop lock (RFC 1939 §8)
/// is released before the reply, so the client may log in again as soon as it reads <c>+OK</c>.
/// </summary>
internal sealed class QuitCommand : IPop3Command
{
    public const string Command = "QUIT";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        session.Close();
        if (session.State != Pop3State.Transaction || session.Maildrop is not { } maildrop)
        {
            await session.WriteLineAsync("+OK bye", cancellationToken);
            return;
        }
        session.State = Pop3State.Update;
        var deleted = maildrop.DeletedUids();
        if (deleted.Count > 0)
        {
            var expunged = await maildrop.Account.ExpungeAsync(maildrop.Inbox.Id, deleted, requireDeleted: false, cancellationToken);
            Pop3Log.Updated(session.Logger, session.Remote, session.User!.Address, expunged.Count);
        }
        session.ReleaseMaildrop();
        await session.WriteLineAsync($"+OK bye ({deleted.Count} messages deleted)", cancellationToken);
    }
}
