using Mail.Shared.Platform;
using Microsoft.EntityFrameworkCore;

namespace Mail.Shared.Directory.Sql;

/// <summary>A user's forwarding address, stored as alias rows named like the user (the SQL equivalent of <c>mailRoutingAddress</c>).</summary>
public sealed partial class SqlMailDirectory
{
    /// <inheritdoc />
    /// <remarks>
    /// Replaces every alias row named like the user with one row to <paramref name="forwardTo"/>, plus one row back to
    /// the user when <paramref name="keepCopy"/> (Postfix's virtual-alias idiom <c>alice → alice, alice@remote</c>);
    /// a null target deletes them. <see cref="ResolveRecipientAsync"/> reads those rows as the user's forwarding.
    /// </remarks>
    public async Task<DirectoryChangeResult> SetForwardingAsync(string address, string? forwardTo, bool keepCopy, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryParse(address, out var normalized, out _, out var domain))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        string? target = null;
        if (forwardTo is not null && (!MailAddressText.TryParse(forwardTo, out target, out _, out _) || target == normalized))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        var result = await SaveAsync(async db =>
        {
            if (!await db.Users.AnyAsync(u => u.Address == normalized, cancellationToken))
            {
                return DirectoryChangeResult.UnknownUser;
            }
            db.Aliases.RemoveRange(await db.Aliases.Where(a => a.Address == normalized).ToListAsync(cancellationToken));
            if (target is not null)
            {
                db.Aliases.Add(new PlatformAlias { Address = normalized, Domain = domain, Target = target, CreatedUtc = UtcNow });
                if (keepCopy)
                {
                    db.Aliases.Add(new PlatformAlias { Address = normalized, Domain = domain, Target = normalized, CreatedUtc = UtcNow });
                }
            }
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        DirectoryLog.Changed(_logger, target is null ? "user unforward" : "user forward", normalized, result);
        return result;
    }
}
