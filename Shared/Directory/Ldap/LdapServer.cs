using System.Collections.Concurrent;
using System.DirectoryServices.Protocols;
using System.Net;

namespace Mail.Shared.Directory.Ldap;

/// <summary>
/// One LDAP server of the set: its address, a small pool of bound connections, and whether it is
/// currently considered down (and until when it is skipped).
/// </summary>
internal sealed class LdapServer : IDisposable
{
    private readonly ConcurrentBag<LdapConnection> _idle = [];
    private readonly SemaphoreSlim _slots;
    private readonly LdapDirectoryOptions _options;
    private readonly Lock _stateLock = new();
    private DateTimeOffset? _downSince;
    private DateTimeOffset _skipUntil;

    public LdapServer(Uri uri, LdapDirectoryOptions options)
    {
        Uri = uri;
        _options = options;
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConnectionsPerServer));
    }

    public Uri Uri { get; }

    public string Name => Uri.GetLeftPart(UriPartial.Authority);

    /// <summary>True while the server is marked down and its retry interval has not passed.</summary>
    public bool IsSkipped(DateTimeOffset now)
    {
        lock (_stateLock)
        {
            return _downSince is not null && now < _skipUntil;
        }
    }

    /// <summary>Marks the server down; returns true on the transition from up (log once).</summary>
    public bool MarkDown(DateTimeOffset now)
    {
        DrainIdle();
        lock (_stateLock)
        {
            _skipUntil = now.AddSeconds(Math.Max(0, _options.RetryIntervalSeconds));
            if (_downSince is not null)
            {
                return false;
            }
            _downSince = now;
            return true;
        }
    }

    /// <summary>Marks the server up; returns how long it was down, or null when it was not.</summary>
    public TimeSpan? MarkUp(DateTimeOffset now)
    {
        lock (_stateLock)
        {
            if (_downSince is not { } since)
            {
                return null;
            }
            _downSince = null;
            return now - since;
        }
    }

    /// <summary>Runs <paramref name="operation"/> on a pooled connection (one operation per connection at a time).</summary>
    /// <exception cref="LdapException">Connect or bind failed, or the connection broke.</exception>
    /// <exception cref="DirectoryOperationException">The server returned an error result.</exception>
    public async Task<T> RunAsync<T>(Func<LdapConnection, T> operation, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var reused = _idle.TryTake(out var connection);
            connection ??= await Task.Run(Connect, cancellationToken);
            try
            {
                var result = await Task.Run(() => operation(connection), cancellationToken);
                _idle.Add(connection);
                return result;
            }
            catch (LdapException ex) when (reused && LdapErrors.IsServerFailure(ex))
            {
                // A pooled connection may have died with a server restart: retry once on a fresh one.
                connection.Dispose();
                DrainIdle();
                connection = await Task.Run(Connect, cancellationToken);
                var result = await Task.Run(() => operation(connection), cancellationToken);
                _idle.Add(connection);
                return result;
            }
            catch (DirectoryOperationException ex) when (!LdapErrors.IsServerFailure(ex))
            {
                // An error result (no such object, already exists): the connection is fine.
                _idle.Add(connection);
                throw;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private LdapConnection Connect()
    {
        var secure = string.Equals(Uri.Scheme, "ldaps", StringComparison.OrdinalIgnoreCase);
        var port = Uri.IsDefaultPort || Uri.Port <= 0 ? (secure ? 636 : 389) : Uri.Port;
        var identifier = new LdapDirectoryIdentifier(Uri.Host, port, fullyQualifiedDnsHostName: false, connectionless: false);
        var credential = new NetworkCredential(_options.BindDn, _options.BindPassword);
        var connection = new LdapConnection(identifier, credential, _options.BindDn.Length == 0 ? AuthType.Anonymous : AuthType.Basic)
        {
            Timeout = TimeSpan.FromSeconds(Math.Max(1, _options.OperationTimeoutSeconds)),
            AutoBind = false,
        };
        try
        {
            connection.SessionOptions.ProtocolVersion = 3;
            connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
            if (secure)
            {
                connection.SessionOptions.SecureSocketLayer = true;
            }
            connection.Bind();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void DrainIdle()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        DrainIdle();
        _slots.Dispose();
    }
}

/// <summary>Classifies LDAP failures.</summary>
internal static class LdapErrors
{
    /// <summary>True for errors that mean the server cannot be used now (down, unreachable, timing out, busy, unavailable).</summary>
    public static bool IsServerFailure(Exception ex) => ex switch
    {
        DirectoryOperationException { Response.ResultCode: ResultCode.Busy or ResultCode.Unavailable or ResultCode.UnwillingToPerform } => true,
        DirectoryOperationException => false,
        // libldap API codes: 81 server down, 85 timeout, 91 connect error; 49 (bad bind credentials) also
        // leaves the server unusable for this node.
        LdapException => true,
        TimeoutException => true,
        _ => false,
    };
}
