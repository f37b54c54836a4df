using System.Collections.Concurrent;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Store;

/// <summary>
/// The mailbox store under <c>{DataPath}/mail/</c>: one directory per account
/// (<c>mail/&lt;domain&gt;/&lt;local&gt;</c>, see <see cref="AccountDirectoryName"/>), a spool directory
/// <c>mail/.spool/</c> for messages being delivered, and <c>mail/store.lock</c>.
/// </summary>
/// <remarks>
/// <para>An account directory holds <c>index.db</c> (+ <c>-wal</c>, <c>-shm</c>; see <see cref="StoreSchema"/>),
/// <c>cur/</c> with one immutable file per stored message (shared by copies) and <c>tmp/</c> for files
/// being written; it is self-contained, so moving an account between nodes is copying the directory
/// while the store is stopped. Writing order for every new message: <c>tmp/</c> (or the spool) → fsync →
/// rename/link into <c>cur/</c> → fsync <c>cur/</c> → index COMMIT (synchronous=FULL) → the caller's
/// success reply. Recovery rules are on <c>AccountStore.Recover</c>.</para>
/// <para>One process owns a store: the first use takes an exclusive lock on <c>store.lock</c> (released
/// by the kernel when the process dies), because recovery deletes files nothing has committed, which
/// is only safe when no other process is writing. A second process gets an <see cref="IOException"/>.
/// Accounts are opened once, cached and shared; deliveries to different accounts run in parallel.</para>
/// </remarks>
public sealed partial class MailStore : IMailStore, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<AccountStore>>> _accounts = new(StringComparer.Ordinal);
    private readonly StoreContext _context;
    private readonly Lock _startLock = new();
    private readonly string _spoolDirectory;
    private FileStream? _lockFile;
    private bool _disposed;

    /// <summary>Creates the store; nothing touches the disk before the first use.</summary>
    public MailStore(IOptions<MailOptions> options, IOptions<StoreLimits> limits, IQuotaProvider quota, TimeProvider time, ILogger<MailStore> logger)
    {
        Root = Path.Combine(options.Value.FullDataPath, "mail");
        _spoolDirectory = Path.Combine(Root, ".spool");
        _context = new StoreContext(limits.Value, quota, time, logger) { DomainHasRoom = DomainHasRoomAsync };
    }

    /// <summary>Absolute root directory of the store.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public async ValueTask<IAccountStore> OpenAccountAsync(string account, CancellationToken cancellationToken) =>
        await GetAccountAsync(account, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// With one account the message is written straight into the account (<c>tmp/</c>, fsync, rename).
    /// With several it is spooled once to <c>mail/.spool/</c> and fsynced; each account then gets a hard
    /// link of it (a durable copy when linking is impossible) and commits it through its own writer,
    /// so accounts proceed in parallel. The spool file is removed afterwards.
    /// </remarks>
    public Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<string> accounts, Stream message, DateTimeOffset internalDate, CancellationToken cancellationToken) =>
        DeliverAsync(accounts, message, internalDate, DeliveryTarget.Inbox, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<string> accounts, Stream message, DateTimeOffset internalDate, DeliveryTarget target, CancellationToken cancellationToken)
    {
        EnsureStarted();
        var distinct = accounts.Select(Canonical).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            await message.CopyToAsync(Stream.Null, cancellationToken);
            return [];
        }
        if (distinct.Count == 1)
        {
            var single = await GetAccountAsync(distinct[0], cancellationToken);
            return [await single.DeliverAsync(message, internalDate, target, cancellationToken)];
        }
        var spoolPath = Path.Combine(_spoolDirectory, MessageFiles.NewName(_context.Time));
        try
        {
            var size = await MessageFiles.WriteDurablyAsync(message, spoolPath, _context.Limits.MaxMessageOctets, cancellationToken);
            if (size < 0)
            {
                return distinct.Select(a => new DeliveryOutcome(a, StoreStatus.TooBig, 0)).ToList();
            }
            var tasks = distinct.Select(async a =>
            {
                var store = await GetAccountAsync(a, cancellationToken);
                return await store.DeliverSpooledAsync(spoolPath, size, internalDate, target, cancellationToken);
            }).ToList();
            return await Task.WhenAll(tasks);
        }
        finally
        {
            MessageFiles.TryDelete(spoolPath);
        }
    }

    private async Task<AccountStore> GetAccountAsync(string account, CancellationToken cancellationToken)
    {
        EnsureStarted();
        var key = Canonical(account);
        var directory = Path.Combine(Root, AccountDirectoryName.RelativePath(key));
        while (true)
        {
            var lazy = _accounts.GetOrAdd(key, k => new Lazy<Task<AccountStore>>(() => Task.Run(() => OpenAccount(k, directory), CancellationToken.None)));
            try
            {
                return await lazy.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (lazy.Value.IsFaulted)
            {
                // A failed open is not cached: the next caller tries again.
                _accounts.TryRemove(new KeyValuePair<string, Lazy<Task<AccountStore>>>(key, lazy));
                throw;
            }
        }
    }

    private AccountStore OpenAccount(string account, string directory)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return AccountStore.Open(account, directory, _context);
    }

    private static string Canonical(string account) => account.Trim().ToLowerInvariant();

    private void EnsureStarted()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_lockFile is not null)
        {
            return;
        }
        lock (_startLock)
        {
            if (_lockFile is not null)
            {
                return;
            }
            System.IO.Directory.CreateDirectory(_spoolDirectory);
            FileStream lockFile;
            try
            {
                // FileShare.None takes flock(LOCK_EX) on Unix; the kernel drops it when the process dies.
                lockFile = new FileStream(Path.Combine(Root, "store.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex)
            {
                throw new IOException($"The mailbox store at {Root} is in use by another process.", ex);
            }
            var removed = 0;
            foreach (var leftover in System.IO.Directory.EnumerateFiles(_spoolDirectory))
            {
                File.Delete(leftover);
                removed++;
            }
            if (removed > 0)
            {
                StoreLog.SpoolCleaned(_context.Logger, removed);
            }
            NativeFileSystem.SyncDirectory(Root);
            NativeFileSystem.SyncDirectory(Path.GetDirectoryName(Root)!);
            StoreLog.StoreOpened(_context.Logger, Root);
            _lockFile = lockFile;
        }
    }

    /// <summary>Closes every account and releases the store lock.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var lazy in _accounts.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                lazy.Value.Result.Dispose();
            }
        }
        _accounts.Clear();
        lock (_startLock)
        {
            _lockFile?.Dispose();
            _lockFile = null;
        }
    }
}
