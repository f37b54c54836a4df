using System.DirectoryServices.Protocols;

namespace Mail.Shared.Directory.Ldap;

/// <summary>A user's forwarding: <c>mailRoutingAddress</c> (misc.schema) and <c>mailPlatformForwardCopy</c>.</summary>
public sealed partial class LdapMailDirectory
{
    /// <inheritdoc />
    /// <remarks>
    /// One modify on the master: <c>mailRoutingAddress</c> replaced (or deleted for a null target) and
    /// <c>mailPlatformForwardCopy</c> set to <c>TRUE</c> or removed; the object classes <c>inetLocalMailRecipient</c> and
    /// <c>mailPlatformUser</c> are added when an entry made by another tool lacks them.
    /// </remarks>
    /// <exception cref="DirectoryUnavailableException">The master is unreachable.</exception>
    public async Task<DirectoryChangeResult> SetForwardingAsync(string address, string? forwardTo, bool keepCopy, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryParse(address, out var normalized, out _, out _))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        string? target = null;
        if (forwardTo is not null && (!MailAddressText.TryParse(forwardTo, out target, out _, out _) || target == normalized))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        var result = await WriteAsync(connection =>
        {
            var user = Search(connection, _baseDn, $"(&(objectClass={LdapNames.InetOrgPerson}){LdapFilter.Equal(LdapNames.Mail, normalized)})",
                [LdapNames.ObjectClass, LdapNames.MailRoutingAddress, LdapNames.ForwardCopy]).FirstOrDefault();
            if (user is null)
            {
                return DirectoryChangeResult.UnknownUser;
            }
            var request = new ModifyRequest(user.Dn);
            var missing = new[] { LdapNames.InetLocalMailRecipient, LdapNames.UserClass }.Where(c => !user.IsA(c)).ToArray();
            if (target is not null && missing.Length > 0)
            {
                request.Modifications.Add(new DirectoryAttributeModification { Name = LdapNames.ObjectClass, Operation = DirectoryAttributeOperation.Add }.With(missing));
            }
            if (target is not null)
            {
                request.Modifications.Add(new DirectoryAttributeModification { Name = LdapNames.MailRoutingAddress, Operation = DirectoryAttributeOperation.Replace }.With(target));
            }
            else if (user.First(LdapNames.MailRoutingAddress) is not null)
            {
                request.Modifications.Add(new DirectoryAttributeModification { Name = LdapNames.MailRoutingAddress, Operation = DirectoryAttributeOperation.Delete });
            }
            if (target is not null && keepCopy)
            {
                request.Modifications.Add(new DirectoryAttributeModification { Name = LdapNames.ForwardCopy, Operation = DirectoryAttributeOperation.Replace }.With("TRUE"));
            }
            else if (user.First(LdapNames.ForwardCopy) is not null)
            {
                request.Modifications.Add(new DirectoryAttributeModification { Name = LdapNames.ForwardCopy, Operation = DirectoryAttributeOperation.Delete });
            }
            if (request.Modifications.Count > 0)
            {
                connection.SendRequest(request);
            }
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        Invalidate(address: normalized);
        await InvalidateSharedAsync();
        LdapDirectoryLog.Changed(_logger, target is null ? "user unforward" : "user forward", normalized, result);
        return result;
    }
}

/// <summary>Fills a modification's values.</summary>
internal static class DirectoryAttributeModificationExtensions
{
    public static DirectoryAttributeModification With(this DirectoryAttributeModification modification, params string[] values)
    {
        foreach (var value in values)
        {
            modification.Add(value);
        }
        return modification;
    }
}
