using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Commands;

/// <summary>What the ACL commands (RFC 4314 §3) share: identifier checks and the response writers.</summary>
internal static class ImapAcl
{
    /// <summary>
    /// Resolves the mailbox of an ACL command and checks <paramref name="needed"/>: <c>NO [NONEXISTENT]</c>
    /// when it does not exist or grants nothing, <c>NO [NOPERM]</c> without the right (RFC 4314 §4, §6).
    /// </summary>
    public static async ValueTask<(ImapMailboxTarget? Target, ImapCommandResult? Denied)> ResolveAsync(ImapSession session, string mailbox, MailboxRights needed, CancellationToken cancellationToken)
    {
        var target = await session.ResolveMailboxAsync(mailbox, cancellationToken);
        return (target, ImapCommandHelpers.Require(target, needed));
    }

    /// <summary>
    /// Checks an identifier a grant is made to: <c>anyone</c> (the owner's domain only), or the primary
    /// address of another enabled user of the owner's domain on the same mailbox node. Returns the canonical
    /// identifier, or the refusal (<c>NO [CANNOT]</c>; the owner's own rights are implicit and fixed).
    /// </summary>
    public static async ValueTask<(string Identifier, ImapCommandResult? Refused)> CheckIdentifierAsync(ImapSession session, ImapMailboxTarget target, string identifier, CancellationToken cancellationToken)
    {
        var canonical = identifier.Trim().ToLowerInvariant();
        if (canonical == MailboxAclStore.Anyone)
        {
            return (canonical, null);
        }
        if (canonical.StartsWith('-'))
        {
            return (canonical, ImapCommandResult.No("Negative rights are not supported", "CANNOT"));
        }
        if (canonical == target.Owner)
        {
            return (canonical, ImapCommandResult.No("The owner always has every right on its mailboxes", "CANNOT"));
        }
        if (!MailboxAclStore.SameDomain(canonical, target.Owner))
        {
            return (canonical, ImapCommandResult.No("Rights can only be granted to users of the mailbox owner's domain", "CANNOT"));
        }
        if (!await session.SameNodeUserAsync(canonical, cancellationToken))
        {
            return (canonical, ImapCommandResult.No("No such user on this mailbox server", "CANNOT"));
        }
        return (canonical, null);
    }

    /// <summary><c>* ACL mailbox owner rights [identifier rights]...</c> (RFC 4314 §3.6); the owner's implicit entry first.</summary>
    public static void WriteAcl(ImapSession session, ImapMailboxTarget target, IReadOnlyList<MailboxAclEntry> entries)
    {
        var o = session.Out;
        o.Raw("* ACL "u8);
        ImapCommandHelpers.WriteMailbox(session, target.Name);
        o.Space();
        WriteAString(session, target.Owner);
        o.Space().Ascii(MailboxRightsText.Format(MailboxRights.All));
        foreach (var entry in entries)
        {
            o.Space();
            WriteAString(session, entry.Identifier);
            o.Space().Ascii(MailboxRightsText.Format(entry.Rights));
        }
        o.Crlf();
    }

    /// <summary>Writes an identifier as an atom when it is one (RFC 9051 §9 ATOM-CHAR), else as a string.</summary>
    public static void WriteAString(ImapSession session, string value)
    {
        if (value.Length > 0 && value.All(c => c is > ' ' and < (char)0x7f and not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']')))
        {
            session.Out.Ascii(value);
        }
        else
        {
            session.Out.String(value);
        }
    }
}

/// <summary>
/// SETACL mailbox identifier [+|-]rights (RFC 4314 §3.1): replaces, adds to or removes from the
/// identifier's rights; an empty result removes the entry. Needs right <c>a</c>. Authenticated or
/// selected state. <c>BAD</c> for an unknown right letter; <c>NO [CANNOT]</c> for identifiers outside
/// the owner's domain or node, negative rights and the owner itself; <c>NO [NOPERM]</c> without <c>a</c>.
/// </summary>
public sealed class SetAclCommand : ImapCommand
{
    public const string WireName = "SETACL";
    private string _mailbox = "";
    private string _identifier = "";
    private char _modifier;
    private MailboxRights _rights;

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox)
            || !tokenizer.Space() || !tokenizer.TryReadAString(out _identifier) || !tokenizer.Space() || !tokenizer.TryReadAString(out var rights))
        {
            return false;
        }
        if (rights.Length > 0 && rights[0] is '+' or '-')
        {
            _modifier = rights[0];
            rights = rights[1..];
        }
        return MailboxRightsText.TryParse(rights, out _rights) || tokenizer.Fail("Unknown right in " + rights);
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var (target, denied) = await ImapAcl.ResolveAsync(session, _mailbox, MailboxRights.Administer, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }
        var (identifier, refused) = await ImapAcl.CheckIdentifierAsync(session, target!, _identifier, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        var acl = session.Server.Acl;
        var id = target!.Info!.Id;
        var current = (await acl.GetAsync(target.Owner, id, cancellationToken)).FirstOrDefault(e => e.Identifier == identifier)?.Rights ?? MailboxRights.None;
        var rights = _modifier switch
        {
            '+' => current | _rights,
            '-' => current & ~_rights,
            _ => _rights,
        };
        await acl.SetAsync(target.Owner, id, identifier, rights, cancellationToken);
        return ImapCommandResult.Ok("SETACL completed");
    }
}

/// <summary>DELETEACL mailbox identifier (RFC 4314 §3.2): removes the identifier's entry. Needs <c>a</c>. Authenticated or selected state.</summary>
public sealed class DeleteAclCommand : ImapCommand
{
    public const string WireName = "DELETEACL";
    private string _mailbox = "";
    private string _identifier = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox)
        && tokenizer.Space() && tokenizer.TryReadAString(out _identifier);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var (target, denied) = await ImapAcl.ResolveAsync(session, _mailbox, MailboxRights.Administer, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }
        var identifier = _identifier.Trim().ToLowerInvariant();
        if (identifier == target!.Owner)
        {
            return ImapCommandResult.No("The owner always has every right on its mailboxes", "CANNOT");
        }
        await session.Server.Acl.SetAsync(target.Owner, target.Info!.Id, identifier, MailboxRights.None, cancellationToken);
        return ImapCommandResult.Ok("DELETEACL completed");
    }
}

/// <summary>GETACL mailbox (RFC 4314 §3.3): <c>* ACL</c> with the owner's implicit entry and every grant. Needs <c>a</c>. Authenticated or selected state.</summary>
public sealed class GetAclCommand : ImapCommand
{
    public const string WireName = "GETACL";
    private string _mailbox = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var (target, denied) = await ImapAcl.ResolveAsync(session, _mailbox, MailboxRights.Administer, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }
        ImapAcl.WriteAcl(session, target!, await session.Server.Acl.GetAsync(target!.Owner, target.Info!.Id, cancellationToken));
        return ImapCommandResult.Ok("GETACL completed");
    }
}

/// <summary>
/// LISTRIGHTS mailbox identifier (RFC 4314 §3.4): for the owner every right is required (fixed); for
/// anyone else nothing is required and each right can be granted on its own. Needs <c>a</c>.
/// Authenticated or selected state.
/// </summary>
public sealed class ListRightsCommand : ImapCommand
{
    public const string WireName = "LISTRIGHTS";
    private string _mailbox = "";
    private string _identifier = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox)
        && tokenizer.Space() && tokenizer.TryReadAString(out _identifier);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var (target, denied) = await ImapAcl.ResolveAsync(session, _mailbox, MailboxRights.Administer, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }
        var o = session.Out;
        o.Raw("* LISTRIGHTS "u8);
        ImapCommandHelpers.WriteMailbox(session, target!.Name);
        o.Space();
        ImapAcl.WriteAString(session, _identifier);
        o.Space();
        if (_identifier.Trim().Equals(target.Owner, StringComparison.OrdinalIgnoreCase))
        {
            o.Ascii(MailboxRightsText.FormatStored(MailboxRights.All));
        }
        else
        {
            // Each right on its own, then the obsolete c and d groups (RFC 4314 §2.1.1).
            o.Raw("\"\" l r s w i p k x t e a c d"u8);
        }
        o.Crlf();
        return ImapCommandResult.Ok("LISTRIGHTS completed");
    }
}

/// <summary>MYRIGHTS mailbox (RFC 4314 §3.5): the session user's rights. Needs any right. Authenticated or selected state.</summary>
public sealed class MyRightsCommand : ImapCommand
{
    public const string WireName = "MYRIGHTS";
    private string _mailbox = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var (target, denied) = await ImapAcl.ResolveAsync(session, _mailbox, MailboxRights.None, cancellationToken);
        if (denied is not null)
        {
            return denied;
        }
        var o = session.Out;
        o.Raw("* MYRIGHTS "u8);
        ImapCommandHelpers.WriteMailbox(session, target!.Name);
        o.Space().Ascii(MailboxRightsText.Format(target.Rights)).Crlf();
        return ImapCommandResult.Ok("MYRIGHTS completed");
    }
}
