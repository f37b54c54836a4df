using Mail.Shared.Directory.Sql;

namespace Mail.Shared.Directory.Ldap;

/// <summary>Recipient resolution: plus-address tags, domain aliases, alias chains, lists, forwarding, catch-all.</summary>
public sealed partial class LdapMailDirectory
{
    /// <inheritdoc />
    /// <remarks>
    /// <para>Same rules as the SQL directory: for each address an exact user or alias first, then the address
    /// without its tag (<see cref="SqlDirectoryOptions.RecipientDelimiter"/>); alias chains up to
    /// <see cref="SqlDirectoryOptions.MaxAliasDepth"/> hops, loops expanded once, disabled users receive nothing,
    /// remote alias targets are forwards (<see cref="RecipientResolution.Forwards"/>, re-sent by the caller through the outbound queue).</para>
    /// <para>LDAP additions: an address in an alias domain (<c>associatedDomain</c> of a domain entry) is looked
    /// up in the canonical domain; a user's <c>mailLocalAddress</c> values are aliases of the user; a
    /// <c>mailRoutingAddress</c> forwards the user's mail there instead (a local one is expanded, a remote one becomes a
    /// forward), and <c>mailPlatformForwardCopy: TRUE</c> keeps a copy in the user's mailbox; when nothing matches the address,
    /// the domain's <c>mailPlatformCatchAll</c> receives it. A domain whose status is not <c>active</c> has no
    /// recipients (<see cref="RecipientKind.UnknownUser"/>).</para>
    /// </remarks>
    public async Task<RecipientResolution> ResolveRecipientAsync(string address, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryParse(address, out _, out var local, out var domain))
        {
            return RecipientResolution.NotLocal;
        }
        var domainEntry = await LookupDomainAsync(domain, cancellationToken);
        if (!domainEntry.Found)
        {
            return RecipientResolution.NotLocal;
        }
        if (!domainEntry.Active)
        {
            return RecipientResolution.UnknownUser;
        }
        var canonical = local + "@" + domainEntry.Name;
        var expansion = new Expansion(canonical);
        var matched = await ExpandAsync(expansion, canonical, 0, cancellationToken);
        if (!matched && domainEntry.CatchAll is { } catchAll)
        {
            await ExpandAsync(expansion, catchAll, 1, cancellationToken);
        }
        return expansion.Users.Count > 0 || expansion.Forwards.Count > 0
            ? new RecipientResolution(RecipientKind.Local, expansion.Users) { Forwards = expansion.Forwards }
            : RecipientResolution.UnknownUser;
    }

    private sealed class Expansion(string recipient)
    {
        public string Recipient { get; } = recipient;
        public HashSet<string> Visited { get; } = new(StringComparer.Ordinal);
        public List<string> Users { get; } = [];
        public List<string> Forwards { get; } = [];

        public void Forward(string address)
        {
            if (!Forwards.Contains(address, StringComparer.Ordinal))
            {
                Forwards.Add(address);
            }
        }

        public void Deliver(string user)
        {
            if (!Users.Contains(user, StringComparer.Ordinal))
            {
                Users.Add(user);
            }
        }
    }

    /// <summary>Expands one address; returns false when the directory has no entry for it (nor for its untagged form).</summary>
    private async Task<bool> ExpandAsync(Expansion expansion, string address, int depth, CancellationToken cancellationToken)
    {
        if (depth > _rules.MaxAliasDepth)
        {
            LdapDirectoryLog.ExpansionDropped(_logger, expansion.Recipient, address, DirectoryRejectReason.AliasChainTooDeep);
            return true;
        }
        if (!expansion.Visited.Add(address))
        {
            LdapDirectoryLog.ExpansionDropped(_logger, expansion.Recipient, address, DirectoryRejectReason.AliasLoop);
            return true;
        }
        if (expansion.Visited.Count > _rules.MaxExpandedAddresses)
        {
            LdapDirectoryLog.ExpansionDropped(_logger, expansion.Recipient, address, DirectoryRejectReason.TooManyExpandedAddresses);
            return true;
        }
        if (!MailAddressText.TryParse(address, out _, out var local, out var domain))
        {
            return false;
        }
        if (depth > 0)
        {
            var domainEntry = await LookupDomainAsync(domain, cancellationToken);
            if (!domainEntry.Found)
            {
                LdapDirectoryLog.RemoteTargetForwarded(_logger, expansion.Recipient, address);
                expansion.Forward(address);
                return true;
            }
            if (domainEntry.Name != domain)
            {
                address = local + "@" + domainEntry.Name;
                domain = domainEntry.Name;
                if (!expansion.Visited.Add(address))
                {
                    return true;
                }
            }
        }
        var entry = await LookupAddressAsync(address, refresh: false, cancellationToken);
        if (!entry.Found && TryStripTag(local, out var baseLocal))
        {
            var untagged = baseLocal + "@" + domain;
            if (!expansion.Visited.Add(untagged))
            {
                return true;
            }
            entry = await LookupAddressAsync(untagged, refresh: false, cancellationToken);
        }
        if (!entry.Found)
        {
            return false;
        }
        if (entry.User is { } user)
        {
            if (!user.Enabled)
            {
                return true;
            }
            if (entry.RoutingAddress is { } routing && routing != user.Address)
            {
                if (entry.KeepCopy)
                {
                    expansion.Deliver(user.Address);
                }
                await ExpandAsync(expansion, routing, depth + 1, cancellationToken);
            }
            else
            {
                expansion.Deliver(user.Address);
            }
            return true;
        }
        foreach (var target in entry.AliasTargets)
        {
            await ExpandAsync(expansion, target, depth + 1, cancellationToken);
        }
        return true;
    }

    private bool TryStripTag(string local, out string baseLocal)
    {
        baseLocal = local;
        var delimiter = _rules.RecipientDelimiter;
        if (string.IsNullOrEmpty(delimiter))
        {
            return false;
        }
        var index = local.IndexOf(delimiter, StringComparison.Ordinal);
        if (index <= 0)
        {
            return false;
        }
        baseLocal = local[..index];
        return true;
    }
}
