using Mail.Shared.Platform;

namespace Mail.Shared.Directory.Sql;

/// <summary>Recipient resolution: plus-address tags, domain aliases, alias chains, loops, forwarding, catch-all.</summary>
public sealed partial class SqlMailDirectory
{
    /// <inheritdoc />
    /// <remarks>
    /// <para>Order for each address: an exact user or alias first; then, when the local part carries a
    /// tag (<see cref="SqlDirectoryOptions.RecipientDelimiter"/>), the same lookup without it
    /// (<c>bob+lists@example.com</c> → <c>bob@example.com</c>). An alias named with a tag wins over tag stripping.</para>
    /// <para>Alias targets are expanded recursively up to <see cref="SqlDirectoryOptions.MaxAliasDepth"/> hops;
    /// an address met twice (a loop) is expanded once. Disabled users receive nothing.</para>
    /// <para>Alias targets outside the local domains are forwards (<see cref="RecipientResolution.Forwards"/>): the
    /// caller re-sends the message there through the outbound queue. A user's forwarding address is stored as alias
    /// rows named like the user (<see cref="SetForwardingAsync"/>): the remote target, plus a row pointing at the
    /// user itself when the mailbox keeps a copy.</para>
    /// <para>Domains (same rules as the LDAP directory): an address in an alias domain (table <c>DomainAliases</c>) is looked up
    /// in the canonical domain; when nothing matches the address, the domain's catch-all (<see cref="PlatformDomain.CatchAll"/>)
    /// receives it; a disabled domain has no recipients (<see cref="RecipientKind.UnknownUser"/>).</para>
    /// </remarks>
    public async Task<RecipientResolution> ResolveRecipientAsync(string address, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryParse(address, out _, out var local, out var domain))
        {
            return RecipientResolution.NotLocal;
        }
        var domainEntry = await LookupDomainAsync(domain, cancellationToken);
        if (!domainEntry.Known)
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
    }

    /// <summary>Expands one address; returns false when the directory has no entry for it (nor for its untagged form).</summary>
    private async Task<bool> ExpandAsync(Expansion expansion, string address, int depth, CancellationToken cancellationToken)
    {
        if (depth > _options.MaxAliasDepth)
        {
            DirectoryLog.ExpansionDropped(_logger, expansion.Recipient, address, DirectoryRejectReason.AliasChainTooDeep);
            return true;
        }
        if (!expansion.Visited.Add(address))
        {
            DirectoryLog.ExpansionDropped(_logger, expansion.Recipient, address, DirectoryRejectReason.AliasLoop);
            return true;
        }
        if (expansion.Visited.Count > _options.MaxExpandedAddresses)
        {
            DirectoryLog.ExpansionDropped(_logger, expansion.Recipient, address, DirectoryRejectReason.TooManyExpandedAddresses);
            return true;
        }
        if (!MailAddressText.TryParse(address, out _, out var local, out var domain))
        {
            return false;
        }
        if (depth > 0)
        {
            var domainEntry = await LookupDomainAsync(domain, cancellationToken);
            if (!domainEntry.Known)
            {
                DirectoryLog.RemoteTargetForwarded(_logger, expansion.Recipient, address);
                if (!expansion.Forwards.Contains(address, StringComparer.Ordinal))
                {
                    expansion.Forwards.Add(address);
                }
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
        var entry = await LookupAddressAsync(address, cancellationToken);
        if (!entry.Found && TryStripTag(local, out var baseLocal))
        {
            var untagged = baseLocal + "@" + domain;
            if (!expansion.Visited.Add(untagged))
            {
                return true;
            }
            entry = await LookupAddressAsync(untagged, cancellationToken);
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
            // Alias rows named like the user are its forwarding: a row back to the user keeps a copy.
            var keepCopy = entry.AliasTargets.Count == 0 || entry.AliasTargets.Contains(user.Address, StringComparer.Ordinal);
            if (keepCopy && !expansion.Users.Contains(user.Address, StringComparer.Ordinal))
            {
                expansion.Users.Add(user.Address);
            }
            foreach (var target in entry.AliasTargets.Where(t => t != user.Address))
            {
                await ExpandAsync(expansion, target, depth + 1, cancellationToken);
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
        var delimiter = _options.RecipientDelimiter;
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
