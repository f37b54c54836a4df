using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// QUOTA (RFC 9208), STORAGE resource in units of 1024 octets (QUOTA=RES-STORAGE), with up to two quota roots over the user's
/// own mailboxes: <c>""</c>, the account's quota, when it has one; and the account's domain (e.g. <c>example.com</c>), the quota of
/// the whole domain (the sum of its accounts' usage), when the directory sets one. A mailbox under no quota has no root. Both
/// limits are enforced by the store at delivery, APPEND and COPY (<c>NO [OVERQUOTA]</c>).
/// </summary>
internal static class ImapQuota
{
    /// <summary>The name of the account's own quota root.</summary>
    public const string UserRoot = "";

    /// <summary>The account's root, or null when the account has no quota.</summary>
    public static async ValueTask<ImapQuotaRoot?> UserRootAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var limit = await session.Server.Quota.GetQuotaOctetsAsync(session.User!, cancellationToken);
        if (limit / 1024 == 0)
        {
            return null;
        }
        var used = await session.Account!.GetUsedOctetsAsync(cancellationToken);
        return new ImapQuotaRoot(UserRoot, Kib(used), limit / 1024);
    }

    /// <summary>The root of the account's domain, or null when the domain has no quota.</summary>
    /// <exception cref="IOException">An account index of the domain cannot be read.</exception>
    public static async ValueTask<ImapQuotaRoot?> DomainRootAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var domain = DomainOf(session);
        var limit = await session.Server.Quota.GetDomainQuotaOctetsAsync(domain, cancellationToken);
        if (limit / 1024 == 0)
        {
            return null;
        }
        var used = await session.Server.Store.GetDomainUsedOctetsAsync(domain, cancellationToken);
        return new ImapQuotaRoot(domain, Kib(used), limit / 1024);
    }

    /// <summary>The domain of the signed-in account (canonical, lower case): the name of the domain quota root.</summary>
    public static string DomainOf(ImapSession session)
    {
        var account = session.User!;
        return account[(account.LastIndexOf('@') + 1)..];
    }

    /// <summary><c>* QUOTA root (STORAGE used limit)</c>.</summary>
    public static void WriteQuota(ImapSession session, ImapQuotaRoot root) =>
        session.Out.Raw("* QUOTA "u8).String(root.Name).Raw(" (STORAGE "u8).Number(root.UsedKib).Space().Number(root.LimitKib).Raw(")\r\n"u8);

    private static long Kib(long octets) => (octets + 1023) / 1024;
}

/// <summary>One quota root and its STORAGE resource.</summary>
/// <param name="Name">The root name (<c>""</c> or the domain).</param>
/// <param name="UsedKib">Usage in units of 1024 octets, rounded up.</param>
/// <param name="LimitKib">Limit in units of 1024 octets.</param>
internal readonly record struct ImapQuotaRoot(string Name, long UsedKib, long LimitKib);

/// <summary>
/// GETQUOTA root (RFC 9208 §4.2): the usage and limits of a quota root, <c>""</c> or the user's domain; any other root, or one
/// without a quota, is <c>NO [NONEXISTENT]</c>. Authenticated or selected state.
/// </summary>
public sealed class GetQuotaCommand : ImapCommand
{
    public const string WireName = "GETQUOTA";
    private string _root = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && tokenizer.TryReadAString(out _root);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var root = _root.Length == 0 ? await ImapQuota.UserRootAsync(session, cancellationToken)
            : _root.Equals(ImapQuota.DomainOf(session), StringComparison.OrdinalIgnoreCase) ? await ImapQuota.DomainRootAsync(session, cancellationToken)
            : null;
        if (root is not { } found)
        {
            return ImapCommandResult.No("No such quota root", "NONEXISTENT");
        }
        ImapQuota.WriteQuota(session, found);
        return ImapCommandResult.Ok("GETQUOTA completed");
    }
}

/// <summary>
/// GETQUOTAROOT mailbox (RFC 9208 §4.3): the quota roots of a mailbox (the user's <c>""</c> and domain roots that have a quota)
/// and their quotas. Authenticated or selected state.
/// </summary>
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
        var roots = new List<ImapQuotaRoot>(2);
        // Another user's mailbox counts against that user's quota, which is not this user's to see: no roots.
        if (!target!.IsShared)
        {
            if (await ImapQuota.UserRootAsync(session, cancellationToken) is { } user)
            {
                roots.Add(user);
            }
            if (await ImapQuota.DomainRootAsync(session, cancellationToken) is { } domain)
            {
                roots.Add(domain);
            }
        }
        var o = session.Out;
        o.Raw("* QUOTAROOT "u8);
        ImapCommandHelpers.WriteMailbox(session, target.Name);
        foreach (var root in roots)
        {
            o.Space().String(root.Name);
        }
        o.Crlf();
        foreach (var root in roots)
        {
            ImapQuota.WriteQuota(session, root);
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
