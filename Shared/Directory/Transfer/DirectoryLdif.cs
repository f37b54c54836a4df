using System.Globalization;
using System.Text;
using Mail.Shared.Directory.Ldap;

namespace Mail.Shared.Directory.Transfer;

/// <summary>
/// LDIF (RFC 2849) form of a <see cref="DirectorySnapshot"/>, in the LDAP directory's layout under a base DN
/// (deploy/ldap/README.md): the output loads with <c>ldapadd</c>/<c>slapadd</c> too. Reading classifies entries by
/// object class (<c>mailPlatformDomain</c>, <c>inetOrgPerson</c>, <c>nisMailAlias</c>) and ignores DNs, so any base
/// DN and any tree shape are accepted; other entries are skipped.
/// </summary>
public static class DirectoryLdif
{
    /// <summary>Writes the three containers and every entry below <paramref name="baseDn"/> (the base entry itself is not written).</summary>
    public static async Task WriteAsync(DirectorySnapshot snapshot, string baseDn, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync("version: 1\n\n");
        foreach (var ou in new[] { "domains", "people", "aliases" })
        {
            await WriteEntryAsync(writer, $"ou={ou},{baseDn}", [("objectClass", "organizationalUnit"), ("ou", ou)]);
        }
        foreach (var d in snapshot.Domains)
        {
            var attributes = new List<(string, string)> { ("objectClass", "mailPlatformDomain"), ("cn", d.Name), ("mailPlatformStatus", d.Active ? "active" : "disabled") };
            attributes.AddRange(d.AliasDomains.Select(a => ("associatedDomain", a)));
            if (d.CatchAll is { } c)
            {
                attributes.Add(("mailPlatformCatchAll", c));
            }
            if (d.DefaultQuota > 0)
            {
                attributes.Add(("mailPlatformDefaultQuota", d.DefaultQuota.ToString(CultureInfo.InvariantCulture)));
            }
            if (d.QuotaBytes > 0)
            {
                attributes.Add(("mailPlatformDomainQuota", d.QuotaBytes.ToString(CultureInfo.InvariantCulture)));
            }
            await WriteEntryAsync(writer, LdapDn.Child("cn", d.Name, $"ou=domains,{baseDn}"), attributes);
        }
        foreach (var u in snapshot.Users)
        {
            var local = u.Address[..u.Address.LastIndexOf('@')];
            var attributes = new List<(string, string)>
            {
                ("objectClass", "inetOrgPerson"), ("objectClass", "inetLocalMailRecipient"), ("objectClass", "mailPlatformUser"),
                ("uid", u.Address), ("cn", u.DisplayName.Length > 0 ? u.DisplayName : u.Address), ("sn", local), ("mail", u.Address),
                ("mailPlatformQuota", u.QuotaBytes.ToString(CultureInfo.InvariantCulture)), ("mailPlatformStatus", u.Enabled ? "active" : "disabled"),
            };
            if (u.DisplayName.Length > 0)
            {
                attributes.Add(("displayName", u.DisplayName));
            }
            if (u.MailHost.Length > 0)
            {
                attributes.Add(("mailHost", u.MailHost));
            }
            if (u.ForwardTo is { } f)
            {
                attributes.Add(("mailRoutingAddress", f));
                if (u.KeepCopy)
                {
                    attributes.Add(("mailPlatformForwardCopy", "TRUE"));
                }
            }
            attributes.AddRange(u.ExtraAddresses.Select(a => ("mailLocalAddress", a)));
            if (u.PasswordHash.Length > 0)
            {
                attributes.Add(("userPassword", u.PasswordHash));
            }
            await WriteEntryAsync(writer, LdapDn.Child("uid", u.Address, $"ou=people,{baseDn}"), attributes);
        }
        foreach (var a in snapshot.Aliases)
        {
            var attributes = new List<(string, string)> { ("objectClass", "nisMailAlias"), ("cn", a.Address) };
            attributes.AddRange(a.Targets.Select(t => ("rfc822MailMember", t)));
            await WriteEntryAsync(writer, LdapDn.Child("cn", a.Address, $"ou=aliases,{baseDn}"), attributes);
        }
    }

    /// <summary>Writes one entry; values that are not SAFE-STRINGs (RFC 2849) are base64 (<c>attr:: ...</c>).</summary>
    public static async Task WriteEntryAsync(TextWriter writer, string dn, IEnumerable<(string Name, string Value)> attributes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(attributes);
        var text = new StringBuilder();
        AppendLine(text, "dn", dn);
        foreach (var (name, value) in attributes)
        {
            AppendLine(text, name, value);
        }
        text.Append('\n');
        await writer.WriteAsync(text.ToString());
    }

    private static void AppendLine(StringBuilder text, string name, string value)
    {
        var safe = value.Length == 0 || (value[0] is not (' ' or ':' or '<') && value[^1] != ' ' && value.All(c => c is > '\0' and < (char)128 and not '\r' and not '\n'));
        text.Append(name).Append(safe ? ": " + value : ":: " + Convert.ToBase64String(Encoding.UTF8.GetBytes(value))).Append('\n');
    }

    /// <summary>Reads a snapshot from LDIF content records.</summary>
    /// <exception cref="FormatException">The input is not LDIF.</exception>
    public static async Task<DirectorySnapshot> ReadAsync(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var domains = new List<SnapshotDomain>();
        var users = new List<SnapshotUser>();
        var aliases = new List<SnapshotAlias>();
        await foreach (var entry in ReadEntriesAsync(reader))
        {
            string[] Values(string name) => [.. entry.Where(kv => kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(kv => kv.Value)];
            string? First(string name) => Values(name).FirstOrDefault();
            long Long(string name) => long.TryParse(First(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
            bool Active() => First("mailPlatformStatus") is not { } s || s.Equals("active", StringComparison.OrdinalIgnoreCase);
            var classes = Values("objectClass");
            bool Is(string c) => classes.Contains(c, StringComparer.OrdinalIgnoreCase);
            if (Is("mailPlatformDomain") && First("cn") is { } name)
            {
                domains.Add(new SnapshotDomain(MailAddressText.NormalizeDomain(name), [.. Values("associatedDomain").Select(MailAddressText.NormalizeDomain)],
                    First("mailPlatformCatchAll") is { } c ? MailAddressText.Normalize(c) : null, Long("mailPlatformDefaultQuota"), Active())
                { QuotaBytes = Long("mailPlatformDomainQuota") });
            }
            else if (Is("inetOrgPerson") && First("mail") is { } mail)
            {
                users.Add(new SnapshotUser(MailAddressText.Normalize(mail), First("userPassword") ?? "", First("displayName") ?? "", First("mailHost") ?? "",
                    Long("mailPlatformQuota"), Active(), [.. Values("mailLocalAddress").Select(MailAddressText.Normalize).Where(a => a != MailAddressText.Normalize(mail))],
                    First("mailRoutingAddress") is { } r ? MailAddressText.Normalize(r) : null)
                {
                    KeepCopy = string.Equals(First("mailPlatformForwardCopy"), "TRUE", StringComparison.OrdinalIgnoreCase),
                });
            }
            else if (Is("nisMailAlias") && First("cn") is { } alias)
            {
                aliases.Add(new SnapshotAlias(MailAddressText.Normalize(alias), [.. Values("rfc822MailMember").Select(MailAddressText.Normalize)]));
            }
        }
        return new DirectorySnapshot(domains, users, aliases);
    }

    /// <summary>Content records as (attribute, value) lists, the DN first; folded lines joined, <c>::</c> values decoded, comments skipped.</summary>
    private static async IAsyncEnumerable<List<KeyValuePair<string, string>>> ReadEntriesAsync(TextReader reader)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await reader.ReadLineAsync();
            if (line is null || line.Length == 0)
            {
                if (lines.Count > 0)
                {
                    var entry = ParseRecord(lines);
                    lines.Clear();
                    if (entry is not null)
                    {
                        yield return entry;
                    }
                }
                if (line is null)
                {
                    yield break;
                }
                continue;
            }
            if (line[0] == ' ' && lines.Count > 0)
            {
                lines[^1] += line[1..];
            }
            else if (line[0] != '#')
            {
                lines.Add(line);
            }
        }
    }

    private static List<KeyValuePair<string, string>>? ParseRecord(List<string> lines)
    {
        var result = new List<KeyValuePair<string, string>>(lines.Count);
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"Not an LDIF line: '{(line.Length > 40 ? line[..40] + "..." : line)}'.");
            }
            var name = line[..colon];
            string value;
            if (line.Length > colon + 1 && line[colon + 1] == ':')
            {
                value = Encoding.UTF8.GetString(Convert.FromBase64String(line[(colon + 2)..].Trim()));
            }
            else if (line.Length > colon + 1 && line[colon + 1] == '<')
            {
                throw new FormatException("LDIF URL values (attr:< url) are not supported.");
            }
            else
            {
                value = line[(colon + 1)..].TrimStart(' ');
            }
            result.Add(new(name, value));
        }
        // "version: 1" alone, and change records, are not entries.
        if (result.Count == 0 || !result[0].Key.Equals("dn", StringComparison.OrdinalIgnoreCase)
            || result.Any(kv => kv.Key.Equals("changetype", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }
        return result;
    }
}
