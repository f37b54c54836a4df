using System.Globalization;
using System.Security.Cryptography;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Outbound.Dkim;

/// <summary>
/// DKIM signing keys (RFC 6376) under <c>{DataPath}/dkim/&lt;domain&gt;/</c>: one <c>&lt;selector&gt;.pem</c>
/// (RSA 2048, PKCS#1 PEM, mode 0600) per generation and a <c>current</c> file naming the selector in use.
/// Rotation: <see cref="Generate"/> adds a new selector and makes it current; old keys stay so their
/// DNS records can be kept until mail signed with them has been delivered.
/// </summary>
public sealed class DkimKeyStore
{
    /// <summary>Opens the key directory of <paramref name="dataPath"/>.</summary>
    public DkimKeyStore(string dataPath) => Root = Path.Combine(Path.GetFullPath(dataPath), "dkim");

    /// <summary>DI constructor.</summary>
    public DkimKeyStore(IOptions<MailOptions> options)
        : this(options.Value.FullDataPath)
    {
    }

    /// <summary>The key directory.</summary>
    public string Root { get; }

    /// <summary>The current selector and key file of <paramref name="domain"/>, or null when it has no key.</summary>
    public (string Selector, string KeyPath)? Current(string domain)
    {
        if (!IsSafeDomain(domain))
        {
            return null;
        }
        var dir = Path.Combine(Root, domain.ToLowerInvariant());
        string selector;
        try
        {
            selector = File.ReadAllText(Path.Combine(dir, "current")).Trim();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var key = Path.Combine(dir, selector + ".pem");
        return selector.Length > 0 && File.Exists(key) ? (selector, key) : null;
    }

    /// <summary>
    /// Generates a new RSA-2048 key for <paramref name="domain"/> with selector <c>sYYYYMMDD</c> (a letter
    /// appended if taken), makes it current and returns the DNS record to publish:
    /// <c>&lt;selector&gt;._domainkey.&lt;domain&gt;</c> TXT <c>v=DKIM1; k=rsa; p=&lt;base64 SubjectPublicKeyInfo&gt;</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Not a domain name.</exception>
    public (string Selector, string RecordName, string RecordText) Generate(string domain, DateTimeOffset now)
    {
        if (!IsSafeDomain(domain))
        {
            throw new ArgumentException($"not a domain name: {domain}", nameof(domain));
        }
        domain = domain.ToLowerInvariant();
        var dir = Path.Combine(Root, domain);
        Directory.CreateDirectory(dir);
        var baseName = "s" + now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var selector = baseName;
        for (var c = 'a'; File.Exists(Path.Combine(dir, selector + ".pem")); c++)
        {
            selector = baseName + c;
        }
        using var rsa = RSA.Create(2048);
        var keyPath = Path.Combine(dir, selector + ".pem");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(keyPath, options))
        {
            writer.Write(rsa.ExportRSAPrivateKeyPem());
        }
        var tmp = Path.Combine(dir, "current." + Guid.NewGuid().ToString("N"));
        File.WriteAllText(tmp, selector + "\n");
        File.Move(tmp, Path.Combine(dir, "current"), overwrite: true);
        var record = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
        return (selector, $"{selector}._domainkey.{domain}", record);
    }

    /// <summary>The public key record text of an existing selector (for tests and <c>admin dkim</c>).</summary>
    public string RecordText(string domain, string selector)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Path.Combine(Root, domain.ToLowerInvariant(), selector + ".pem")));
        return "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The selectors of <paramref name="domain"/> (sorted), each with whether it is the current signing key.</summary>
    public List<(string Selector, bool Current)> List(string domain)
    {
        if (!IsSafeDomain(domain))
        {
            return [];
        }
        var dir = Path.Combine(Root, domain.ToLowerInvariant());
        if (!Directory.Exists(dir))
        {
            return [];
        }
        var current = Current(domain)?.Selector;
        return Directory.EnumerateFiles(dir, "*.pem")
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)
            .Select(s => (s!, s == current))
            .ToList();
    }

    /// <summary>
    /// Deletes an old key after rotation (once its DNS record is withdrawn and mail signed with it delivered).
    /// </summary>
    /// <exception cref="ArgumentException">Not a domain or selector name.</exception>
    /// <exception cref="InvalidOperationException">The selector is the current signing key.</exception>
    /// <exception cref="FileNotFoundException">No such selector.</exception>
    public void Remove(string domain, string selector)
    {
        if (!IsSafeDomain(domain) || selector.Length == 0 || !selector.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"bad domain or selector: {domain} {selector}");
        }
        if (Current(domain)?.Selector == selector)
        {
            throw new InvalidOperationException($"{selector} is the current key of {domain}: generate a new one first");
        }
        var path = Path.Combine(Root, domain.ToLowerInvariant(), selector + ".pem");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no DKIM key {selector} for {domain}", path);
        }
        File.Delete(path);
    }

    private static bool IsSafeDomain(string domain) =>
        domain.Length is > 0 and < 254 && !domain.StartsWith('.') && !domain.Contains("..", StringComparison.Ordinal)
        && domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
