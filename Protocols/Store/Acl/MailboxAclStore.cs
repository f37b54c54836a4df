using Mail.Shared.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Store.Acl;

/// <summary>One entry of a mailbox's access control list (RFC 4314 §2).</summary>
/// <param name="Identifier">A canonical user address, or <c>anyone</c>.</param>
/// <param name="Rights">The rights granted.</param>
public sealed record MailboxAclEntry(string Identifier, MailboxRights Rights);

/// <summary>
/// The access control lists of the mailboxes of this mailbox node, in <c>{DataPath}/mail/acl.db</c>
/// (SQLite, WAL, synchronous=FULL): one row per (owner, owner's mailbox id, identifier).
/// </summary>
/// <remarks>
/// <para>Why a node file and not the owner's <c>index.db</c>: shared access exists only between accounts of
/// one node, and the grantee's LIST must find "who shares with me" with one indexed query instead of
/// opening every account of the domain. Rows are keyed by the owner's mailbox id, which survives RENAME
/// and is never reused, so a renamed mailbox keeps its grants and a deleted-then-recreated name starts
/// with none even if the purge at DELETE was lost in a crash.</para>
/// <para>The owner always has every right on its own mailboxes (<see cref="MailboxRights.All"/>); that
/// is implicit and never stored. <c>anyone</c> reaches only users of the owner's domain.</para>
/// <para>Thread-safe singleton; every method commits before it returns.</para>
/// </remarks>
public sealed class MailboxAclStore
{
    /// <summary>The identifier that stands for every user of the owner's domain (RFC 4314 §2).</summary>
    public const string Anyone = "anyone";

    private readonly string _connectionString;
    private readonly Lock _initLock = new();
    private bool _initialized;

    public MailboxAclStore(IOptions<MailOptions> options)
    {
        var root = System.IO.Path.Combine(options.Value.FullDataPath, "mail");
        Path = System.IO.Path.Combine(root, "acl.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Absolute path of the database file.</summary>
    public string Path { get; }

    /// <summary>The domain part of a canonical address (empty when there is no <c>@</c>).</summary>
    public static string DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? "" : address[(at + 1)..];
    }

    /// <summary>The ACL of one mailbox, sorted by identifier (the owner's implicit entry is not included).</summary>
    public async Task<IReadOnlyList<MailboxAclEntry>> GetAsync(string owner, long mailboxId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT identifier, rights FROM acl WHERE owner = $owner AND mailbox_id = $id ORDER BY identifier";
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$id", mailboxId);
        var entries = new List<MailboxAclEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new MailboxAclEntry(reader.GetString(0), MailboxRightsText.ParseStored(reader.GetString(1))));
        }
        return entries;
    }

    /// <summary>Replaces the rights of <paramref name="identifier"/> on a mailbox; <see cref="MailboxRights.None"/> removes the entry.</summary>
    public async Task SetAsync(string owner, long mailboxId, string identifier, MailboxRights rights, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (rights == MailboxRights.None)
        {
            command.CommandText = "DELETE FROM acl WHERE owner = $owner AND mailbox_id = $id AND identifier = $identifier";
        }
        else
        {
            command.CommandText = """
                INSERT INTO acl(owner, owner_domain, mailbox_id, identifier, rights) VALUES ($owner, $domain, $id, $identifier, $rights)
                ON CONFLICT(owner, mailbox_id, identifier) DO UPDATE SET rights = excluded.rights
                """;
            command.Parameters.AddWithValue("$domain", DomainOf(owner));
            command.Parameters.AddWithValue("$rights", MailboxRightsText.FormatStored(rights));
        }
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$id", mailboxId);
        command.Parameters.AddWithValue("$identifier", identifier);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Gives mailbox <paramref name="childId"/> the entries of <paramref name="parentId"/> (a new mailbox inherits its parent's ACL).</summary>
    public async Task InheritAsync(string owner, long parentId, long childId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO acl(owner, owner_domain, mailbox_id, identifier, rights)
            SELECT owner, owner_domain, $child, identifier, rights FROM acl WHERE owner = $owner AND mailbox_id = $parent
            """;
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$parent", parentId);
        command.Parameters.AddWithValue("$child", childId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes every entry of a mailbox (after DELETE).</summary>
    public async Task RemoveMailboxAsync(string owner, long mailboxId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM acl WHERE owner = $owner AND mailbox_id = $id";
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$id", mailboxId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The rights of <paramref name="user"/> on each mailbox of <paramref name="owner"/> that grants it any
    /// (its own entry united with <c>anyone</c> when both are in one domain), by mailbox id. Empty when the
    /// domains differ. Not meant for <paramref name="user"/> == <paramref name="owner"/> (who has every right).
    /// </summary>
    public async Task<IReadOnlyDictionary<long, MailboxRights>> GetGrantsAsync(string owner, string user, CancellationToken cancellationToken)
    {
        var grants = new Dictionary<long, MailboxRights>();
        if (!SameDomain(owner, user))
        {
            return grants;
        }
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT mailbox_id, rights FROM acl WHERE owner = $owner AND identifier IN ($user, 'anyone')";
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$user", user);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            grants[id] = grants.GetValueOrDefault(id) | MailboxRightsText.ParseStored(reader.GetString(1));
        }
        return grants;
    }

    /// <summary>The rights of <paramref name="user"/> on one mailbox: every right for the owner, else the granted ones (none across domains).</summary>
    public async Task<MailboxRights> GetRightsAsync(string owner, long mailboxId, string user, CancellationToken cancellationToken)
    {
        if (string.Equals(owner, user, StringComparison.Ordinal))
        {
            return MailboxRights.All;
        }
        return (await GetGrantsAsync(owner, user, cancellationToken)).GetValueOrDefault(mailboxId);
    }

    /// <summary>Owners (other than <paramref name="user"/>) with at least one mailbox granting <paramref name="user"/> or <c>anyone</c> of its domain some right, sorted.</summary>
    public async Task<IReadOnlyList<string>> GetOwnersSharingWithAsync(string user, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT DISTINCT owner FROM acl
            WHERE (identifier = $user OR (identifier = 'anyone' AND owner_domain = $domain)) AND owner <> $user
            ORDER BY owner
            """;
        command.Parameters.AddWithValue("$user", user);
        command.Parameters.AddWithValue("$domain", DomainOf(user));
        var owners = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var owner = reader.GetString(0);
            if (SameDomain(owner, user))
            {
                owners.Add(owner);
            }
        }
        return owners;
    }

    /// <summary>True when both canonical addresses are in one domain.</summary>
    public static bool SameDomain(string a, string b) =>
        DomainOf(a) is { Length: > 0 } d && string.Equals(d, DomainOf(b), StringComparison.Ordinal);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            if (!Volatile.Read(ref _initialized))
            {
                Initialize();
            }
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void Initialize()
    {
        lock (_initLock)
        {
            if (_initialized)
            {
                return;
            }
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS acl(
                    owner TEXT NOT NULL,
                    owner_domain TEXT NOT NULL,
                    mailbox_id INTEGER NOT NULL,
                    identifier TEXT NOT NULL,
                    rights TEXT NOT NULL,
                    PRIMARY KEY(owner, mailbox_id, identifier)) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS acl_identifier ON acl(identifier, owner_domain);
                """;
            command.ExecuteNonQuery();
            Volatile.Write(ref _initialized, true);
        }
    }
}
