using System.DirectoryServices.Protocols;
using System.Net;
using Mail.Shared.Directory.Ldap;
using Mail.Shared.Directory.Sql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>
/// The slapd the LDAP tests use, from the environment that <c>scripts/services-ldap.sh</c> prints:
/// <c>MAIL_TEST_LDAP_URI</c>, <c>MAIL_TEST_LDAP_BASE_DN</c>, <c>MAIL_TEST_LDAP_BIND_DN</c>, <c>MAIL_TEST_LDAP_BIND_PASSWORD</c>.
/// When they are missing the tests fail (never skip) with a message saying how to start it.
/// </summary>
public sealed record LdapTestServer(string Uri, string BaseDn, string BindDn, string BindPassword)
{
    public const string UriVariable = "MAIL_TEST_LDAP_URI";

    public static LdapTestServer FromEnvironment()
    {
        var uri = Environment.GetEnvironmentVariable(UriVariable);
        if (string.IsNullOrWhiteSpace(uri))
        {
            throw new InvalidOperationException(
                $"LDAP tests need the environment variable {UriVariable} (and MAIL_TEST_LDAP_BASE_DN, _BIND_DN, _BIND_PASSWORD): " +
                "run scripts/services-ldap.sh (or scripts/services.sh) and eval its output, e.g. " +
                "eval \"$(scripts/services-ldap.sh)\".");
        }
        return new LdapTestServer(
            uri,
            Environment.GetEnvironmentVariable("MAIL_TEST_LDAP_BASE_DN") ?? "dc=example,dc=com",
            Environment.GetEnvironmentVariable("MAIL_TEST_LDAP_BIND_DN") ?? "cn=admin,dc=example,dc=com",
            Environment.GetEnvironmentVariable("MAIL_TEST_LDAP_BIND_PASSWORD") ?? "adminpw");
    }

    /// <summary>Configuration keys selecting this server as the directory (for hosts and the admin CLI).</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Mail:Directory:Provider"] = "Ldap",
        ["Mail:Directory:Ldap:Uri"] = Uri,
        ["Mail:Directory:Ldap:BaseDn"] = BaseDn,
        ["Mail:Directory:Ldap:BindDn"] = BindDn,
        ["Mail:Directory:Ldap:BindPassword"] = BindPassword,
    };

    public LdapDirectoryOptions Options(string? uri = null) => new()
    {
        Uri = uri ?? Uri,
        BaseDn = BaseDn,
        BindDn = BindDn,
        BindPassword = BindPassword,
        OperationTimeoutSeconds = 5,
        RetryIntervalSeconds = 1,
    };

    /// <summary>A directory on this server with its own cache.</summary>
    public LdapMailDirectory CreateDirectory(
        LdapDirectoryOptions? options = null,
        SqlDirectoryOptions? rules = null,
        LdapPasswordVerifier? passwords = null,
        TimeProvider? time = null,
        ILogger<LdapMailDirectory>? logger = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options ?? Options()),
            Microsoft.Extensions.Options.Options.Create(rules ?? new SqlDirectoryOptions()),
            passwords ?? new LdapPasswordVerifier(),
            time ?? TimeProvider.System,
            logger ?? NullLogger<LdapMailDirectory>.Instance);

    /// <summary>A raw connection bound as the test's admin DN, for checks and out-of-band edits.</summary>
    public LdapConnection Connect()
    {
        var uri = new Uri(Uri.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.Port), new NetworkCredential(BindDn, BindPassword), AuthType.Basic);
        connection.SessionOptions.ProtocolVersion = 3;
        connection.Bind();
        return connection;
    }

    /// <summary>Entries matching <paramref name="filter"/> under the base DN (raw filter: the test controls it).</summary>
    public List<SearchResultEntry> Search(string filter, params string[] attributes)
    {
        using var connection = Connect();
        var response = (SearchResponse)connection.SendRequest(new SearchRequest(BaseDn, filter, SearchScope.Subtree, attributes));
        return [.. response.Entries.Cast<SearchResultEntry>()];
    }

    /// <summary>Replaces one attribute of the entry whose mail is <paramref name="address"/>.</summary>
    public void ReplaceOnUser(string address, string attribute, string value)
    {
        var dn = Search($"(mail={LdapFilter.Escape(address)})").Single().DistinguishedName;
        using var connection = Connect();
        connection.SendRequest(new ModifyRequest(dn, DirectoryAttributeOperation.Replace, attribute, value));
    }
}

/// <summary>
/// One directory on the environment's slapd for a test class. A slapd started before the shipped schema gained an
/// attribute (slapd reads its schema only at start, and scripts/services-ldap.sh keeps a running one) cannot store it:
/// then the class runs on a private slapd with the current schema (<see cref="SlapdProcess"/>) instead of failing on a
/// shared service that other test runs use.
/// </summary>
public sealed class LdapDirectoryFixture : IAsyncLifetime
{
    private SlapdProcess? _private;
    private LdapMailDirectory? _directory;

    public LdapTestServer Server { get; private set; } = LdapTestServer.FromEnvironment();

    public LdapMailDirectory Directory => _directory ?? throw new InvalidOperationException("Fixture not initialized.");

    public async Task InitializeAsync()
    {
        if (MissingSchemaAttributes(Server) is { Count: > 0 })
        {
            _private = await SlapdProcess.StartNewAsync();
            Server = _private.Server;
        }
        _directory = Server.CreateDirectory();
    }

    public async Task DisposeAsync()
    {
        _directory?.Dispose();
        if (_private is not null)
        {
            await _private.DisposeAsync();
        }
    }

    /// <summary>Attribute types of deploy/ldap/mailplatform.schema the server's subschema (RFC 4512 §4.2) lacks.</summary>
    private static List<string> MissingSchemaAttributes(LdapTestServer server)
    {
        var shipped = System.Text.RegularExpressions.Regex.Matches(
                File.ReadAllText(Path.Combine(SlapdProcess.RepoRoot(), "deploy", "ldap", "mailplatform.schema")),
                @"attributetype\s*\([^)]*?NAME\s+'([^']+)'")
            .Select(m => m.Groups[1].Value).ToList();
        using var connection = server.Connect();
        var response = (SearchResponse)connection.SendRequest(new SearchRequest("cn=Subschema", "(objectClass=*)", SearchScope.Base, "attributeTypes"));
        var known = string.Join("\n", response.Entries.Cast<SearchResultEntry>()
            .SelectMany(e => e.Attributes["attributetypes"]?.GetValues(typeof(string)).Cast<string>() ?? []));
        return [.. shipped.Where(name => !known.Contains($"'{name}'", StringComparison.OrdinalIgnoreCase))];
    }
}
