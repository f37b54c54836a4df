using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Store;

/// <summary>
/// The store of one account: <c>index.db</c> (see <see cref="StoreSchema"/>), <c>cur/</c> with the
/// immutable message files and <c>tmp/</c> for files being written.
/// </summary>
/// <remarks>
/// One writer connection stays open and is used only under <see cref="_writeLock"/>; reads use
/// pooled connections and run beside the writer (WAL). New messages are written and fsynced outside
/// the lock and then committed in groups (<see cref="CommitNewAsync"/>): whoever holds the lock
/// commits every message queued meanwhile with one directory fsync and one index transaction.
/// </remarks>
internal sealed partial class AccountStore : IAccountStore, IDisposable
{
    private static readonly (string Name, SpecialUse Use)[] DefaultMailboxes =
    [
        (MailboxName.Inbox, SpecialUse.None),
        ("Drafts", SpecialUse.Drafts),
        ("Sent", SpecialUse.Sent),
        ("Trash", SpecialUse.Trash),
        ("Junk", SpecialUse.Junk),
        ("Archive", SpecialUse.Archive),
    ];

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentQueue<PendingMessage> _pending = new();
    private readonly SqliteConnection _writer;
    private readonly string _readConnectionString;
    private readonly string _curDirectory;
    private readonly string _tmpDirectory;
    private readonly StoreContext _context;
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _curHandle;
    private long _usedOctets;
    private bool _disposed;

    private AccountStore(string account, string directory, SqliteConnection writer, string readConnectionString, StoreContext context)
    {
        Account = account;
        Directory = directory;
        _writer = writer;
        _readConnectionString = readConnectionString;
        _curDirectory = Path.Combine(directory, "cur");
        _tmpDirectory = Path.Combine(directory, "tmp");
        _context = context;
        // Kept open: fsync of cur/ happens once per commit batch, so opening it each time would be waste.
        _curHandle = NativeFileSystem.OpenDirectory(_curDirectory);
    }

    /// <inheritdoc />
    public string Account { get; }

    /// <summary>The account's directory.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public event Action<long>? MailboxChanged;

    /// <inheritdoc />
    public event Action<MailboxListChange>? MailboxListChanged;

    /// <summary>Test hook: runs inside the index transaction just before COMMIT (a throw simulates a crash there).</summary>
    internal Action? BeforeCommit { get; set; }

    /// <summary>
    /// Opens (creating when new) the account's directory and index, creates the default mailboxes
    /// on first use and runs recovery. Called once per account and process.
    /// </summary>
    /// <exception cref="IOException">The directory or index cannot be opened.</exception>
    public static AccountStore Open(string account, string directory, StoreContext context)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "cur"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "tmp"));
        var indexPath = Path.Combine(directory, "index.db");
        var writer = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = indexPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        AccountStore? store = null;
        try
        {
            writer.Open();
            StoreSchema.ConfigureWriter(writer);
            var indexCreated = StoreSchema.Migrate(writer);
            // The directories, index.db and its -wal must survive a crash like the messages they hold. Done on
            // every first open in a process (a few fsyncs), so a crash during an earlier creation is covered too.
            NativeFileSystem.SyncDirectory(directory);
            NativeFileSystem.SyncDirectory(Path.GetDirectoryName(directory)!);
            NativeFileSystem.SyncDirectory(Path.GetDirectoryName(Path.GetDirectoryName(directory)!)!);
            var reads = new SqliteConnectionStringBuilder
            {
                DataSource = indexPath,
                Mode = SqliteOpenMode.ReadWrite,
                Pooling = true,
                DefaultTimeout = 30,
            }.ToString();
            store = new AccountStore(account, directory, writer, reads, context);
            store.Initialize(indexCreated);
            return store;
        }
        catch (Exception ex)
        {
            if (store is not null)
            {
                store.Dispose();
            }
            else
            {
                writer.Dispose();
            }
            if (ex is SqliteException)
            {
                throw new IOException($"The index of {account} at {indexPath} cannot be opened: {ex.Message}", ex);
            }
            throw;
        }
    }

    private void Initialize(bool indexCreated)
    {
        using (var tx = _writer.BeginTransaction())
        {
            if (ReadMeta(tx, "initialized") == 0)
            {
                foreach (var (name, use) in DefaultMailboxes)
                {
                    if (FindMailbox(tx, name) is null)
                    {
                        InsertMailbox(tx, name, use);
                    }
                    Execute(tx, "INSERT OR IGNORE INTO subscriptions (name) VALUES (@name)", ("@name", name));
                }
                WriteMeta(tx, "initialized", 1);
                StoreLog.AccountCreated(_context.Logger, Account);
            }
            else if (FindMailbox(tx, MailboxName.Inbox) is null)
            {
                // INBOX always exists (RFC 9051 §5.1); recreate it with a new UIDVALIDITY if it was lost.
                InsertMailbox(tx, MailboxName.Inbox, SpecialUse.None);
            }
            tx.Commit();
        }
        Recover(indexCreated);
        using (var tx = _writer.BeginTransaction())
        {
            _usedOctets = Convert.ToInt64(Scalar(tx, "SELECT IFNULL(SUM(size), 0) FROM messages"), System.Globalization.CultureInfo.InvariantCulture);
            var count = Convert.ToInt32(Scalar(tx, "SELECT COUNT(*) FROM mailboxes"), System.Globalization.CultureInfo.InvariantCulture);
            tx.Commit();
            StoreLog.AccountOpened(_context.Logger, Account, count);
        }
        StartSortBackfill();
    }

    /// <inheritdoc />
    public Task<long> GetUsedOctetsAsync(CancellationToken cancellationToken) => Task.FromResult(Interlocked.Read(ref _usedOctets));

    private void RaiseChanged(IEnumerable<long> mailboxIds)
    {
        var handler = MailboxChanged;
        if (handler is null)
        {
            return;
        }
        foreach (var id in mailboxIds.Distinct())
        {
            handler(id);
        }
    }

    private void RaiseListChanged(MailboxListChange change) => MailboxListChanged?.Invoke(change);

    private SqliteConnection OpenReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    private async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        if (_disposed)
        {
            _writeLock.Release();
            throw new ObjectDisposedException(nameof(AccountStore));
        }
        return new Releaser(_writeLock);
    }

    /// <summary>Closes the index connections; pending operations fail.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _backgroundStop.Cancel();
        _writeLock.Wait();
        try
        {
            _disposed = true;
            _writer.Dispose();
            _curHandle.Dispose();
            _backgroundStop.Dispose();
            using var reader = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(reader);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private SemaphoreSlim? _semaphore = semaphore;

        public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();
    }
}
