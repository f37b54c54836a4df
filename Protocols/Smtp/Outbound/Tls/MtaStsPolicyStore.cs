using System.Text.Json;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Outbound.Tls;

/// <summary>
/// The durable MTA-STS policy cache (RFC 8461 §5.1: a sender keeps each policy until its <c>max_age</c>, across
/// restarts, so an attacker who blocks DNS or the policy host after a restart cannot downgrade a known policy):
/// one JSON file per policy domain under <c>{DataPath}/mta-sts/</c>, written to a temporary file, fsynced and
/// renamed (a kill -9 leaves the old or the new policy, never half of one). Expired policies are deleted when read.
/// </summary>
internal sealed class MtaStsPolicyStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private static readonly System.Globalization.IdnMapping Idn = new();

    /// <summary>Opens (creating) the cache under <paramref name="dataPath"/>.</summary>
    public MtaStsPolicyStore(string dataPath)
    {
        Root = Path.Combine(Path.GetFullPath(dataPath), "mta-sts");
        Directory.CreateDirectory(Root);
    }

    /// <summary>DI constructor: the cache of <see cref="MailOptions.DataPath"/>.</summary>
    public MtaStsPolicyStore(IOptions<MailOptions> options)
        : this(options.Value.FullDataPath)
    {
    }

    /// <summary>The cache directory.</summary>
    public string Root { get; }

    /// <summary>
    /// The stored policy of <paramref name="domain"/> (lower case, no trailing dot) if it has not expired at
    /// <paramref name="now"/>; null when there is none, it expired (the file is then deleted) or it is unreadable.
    /// </summary>
    public MtaStsPolicy? Load(string domain, DateTimeOffset now)
    {
        var path = PathOf(domain);
        if (path is null || !File.Exists(path))
        {
            return null;
        }
        try
        {
            var policy = JsonSerializer.Deserialize<MtaStsPolicy>(File.ReadAllBytes(path), Json);
            if (policy is null || policy.Expires <= now)
            {
                File.Delete(path);
                return null;
            }
            return policy;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            // A damaged file is a missing policy: the next fetch writes a new one.
            return null;
        }
    }

    /// <summary>Writes <paramref name="policy"/> as the domain's policy (atomic and durable).</summary>
    /// <exception cref="IOException">The disk refused it; the previous file, if any, is unchanged.</exception>
    public void Save(string domain, MtaStsPolicy policy)
    {
        var path = PathOf(domain) ?? throw new ArgumentException("not a domain name", nameof(domain));
        var tmp = Path.Combine(Root, "." + Guid.NewGuid().ToString("N") + ".tmp");
        using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, policy, Json);
            file.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        NativeFileSystem.SyncDirectory(Root);
    }

    /// <summary>
    /// The file of a domain (IDNs by their A-label); null for a name that is not a plain host name, so a name can
    /// never make a path outside the cache.
    /// </summary>
    private string? PathOf(string domain)
    {
        try
        {
            domain = Idn.GetAscii(domain).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
        return domain.Length is > 0 and <= 253 && domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') && !domain.StartsWith('.')
            ? Path.Combine(Root, domain + ".json")
            : null;
    }
}
