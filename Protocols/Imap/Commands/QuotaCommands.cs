using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// QUOTA (RFC 9208) with one quota root, <c>""</c>, covering every mailbox of the account and the
/// STORAGE resource in units of 1024 octets (QUOTA=RES-STORAGE). An account without a quota has no
/// quota root. The limit is enforced by the store at delivery, APPEND and COPY (<c>NO [OVERQUOTA]</c>).
/// </summary>
internal static class ImapQuota
{
    /// <summary>Used and limit in KiB; limit 0 = unlimited.</summary>
    public static async ValueTask<(long UsedKib, long LimitKib)> ReadAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var limit = await session.Server.Quota.GetQuotaOctetsAsync(session.User!, cancellationToken);
        var used = await session.Account!.GetUsedOctetsAsync(cancellationToken);
        return ((used + 1023) / 1024, limit / 1024);
    }

    public static void WriteQuota(ImapSession session, long usedKib, long limitKib) =>
        session.Out.Raw("* QUOTA \"\" (STORAGE "u8).Number(usedKib).Space().Number(limitKib).Raw(")\r\n"u8);
}

/// <summary>GETQUOTA root (RFC 9208 §4.2): the usage and limits of a quota root. Authenticated or selected state.</summary>
public sealed class GetQuotaCommand : ImapCommand
{
    public const string WireName = "GETQUOTA";
    private string _root = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && tokenizer.TryReadAString(out _root);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var (used, limit) = await ImapQuota.ReadAsync(session, cancellationToken);
        if (_root.Length != 0 || limit == 0)
        {
            return ImapCommandResult.No("No such quota root", "NONEXISTENT");
        }
        ImapQuota.WriteQuota(session, used, limit);
        return ImapCommandResult.Ok("GETQUOTA completed");
    }
}

/// <summary>GETQUOTAROOT mailbox (RFC 9208 §4.3): the quota roots of a mailbox and their quotas. Authenticated or selected state.</summary>
public sealed class GetQuotaRootCommand : ImapCommand
{
    public const string WireName = "GETQUOTAROOT";
    private string _mailbox = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var target = await session.ResolveMailboxAsync(_mailbox, cancellationToken);
        if (ImapCommandHelpers.Require(target, Store.Acl.MailboxRights.None) is { } denied)
        {
            return denied;
        }
        // Another user's mailbox counts against that user's quota, which is not this user's to see: no roots.
        var (used, limit) = target!.IsShared ? (0, 0) : await ImapQuota.ReadAsync(session, cancellationToken);
        var o = session.Out;
        o.Raw("* QUOTAROOT "u8);
        ImapCommandHelpers.WriteMailbox(session, target.Name);
        if (limit > 0)

        {
            o.Raw(" \"\""u8);
        }
        o.Crlf();
        if (limit > 0)
        {
            ImapQuota.WriteQuota(session, used, limit);
        }
        return ImapCommandResult.Ok("GETQUOTAROOT completed");
    }
}

/// <summary>SETQUOTA (RFC 9208 §4.1): quotas are set by the administrator, so always <c>NO [NOPERM]</c>. Authenticated or selected state.</summary>
public sealed class SetQuotaCommand : ImapCommand
{
    public const string WireName = "SETQUOTA";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !tokenizer.TryReadAString(out _) || !tokenizer.Space() || !tokenizer.TryOpenList())
        {
            return false;
        }
        var first = true;
        while (!tokenizer.TryCloseList())
        {
            if ((!first && !tokenizer.Space()) || !tokenizer.TryReadAtom(out _) || !tokenizer.Space() || !tokenizer.TryReadNumber(out _))
            {
                return false;
            }
            first = false;
        }
        return true;
    }

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ImapCommandResult.No("Quotas are set by the administrator", "NOPERM"));
}
