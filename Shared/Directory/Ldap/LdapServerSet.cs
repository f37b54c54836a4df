using System.DirectoryServices.Protocols;
using Microsoft.Extensions.Logging;

namespace Mail.Shared.Directory.Ldap;

/// <summary>
/// The configured servers: the master (first URI) and replicas. Reads try the master, then each replica;
/// writes go to the master only. A server that fails is skipped for
/// <see cref="LdapDirectoryOptions.RetryIntervalSeconds"/>, logged once when it goes down and once when it returns.
/// </summary>
internal sealed class LdapServerSet : IDisposable
{
    private readonly LdapServer[] _servers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public LdapServerSet(LdapDirectoryOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var uris = options.Uri.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (uris.Length == 0)
        {
            throw new InvalidOperationException($"{LdapDirectoryOptions.Section}:Uri is empty: give the master's URI (ldap://host:port), then replicas, space-separated.");
        }
        _servers = [.. uris.Select(u => System.Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "ldap" or "ldaps"
            ? new LdapServer(uri, options)
            : throw new InvalidOperationException($"{LdapDirectoryOptions.Section}:Uri: '{u}' is not an ldap:// or ldaps:// URI."))];
        _time = time;
        _logger = logger;
    }

    /// <summary>The master's name (<c>ldap://host:port</c>) for messages.</summary>
    public string MasterName => _servers[0].Name;

    /// <summary>Runs a read on the first server that answers: the master, then the replicas in order.</summary>
    /// <exception cref="DirectoryUnavailableException">No server answered.</exception>
    /// <exception cref="DirectoryOperationException">A server answered with an error result.</exception>
    public async Task<T> ReadAsync<T>(Func<LdapConnection, T> operation, CancellationToken cancellationToken)
    {
        Exception? last = null;
        foreach (var server in _servers)
        {
            if (server.IsSkipped(_time.GetUtcNow()))
            {
                continue;
            }
            try
            {
                return await RunAsync(server, operation, cancellationToken);
            }
            catch (Exception ex) when (LdapErrors.IsServerFailure(ex))
            {
                last = ex;
            }
        }
        throw last is null
            ? new DirectoryUnavailableException("No LDAP server is reachable (all were down at the last attempt; retried shortly).")
            : new DirectoryUnavailableException($"No LDAP server is reachable: {last.Message}", last);
    }

    /// <summary>Runs a write on the master.</summary>
    /// <exception cref="DirectoryUnavailableException">The master is unreachable (changes are not possible until it returns).</exception>
    /// <exception cref="DirectoryOperationException">The master answered with an error result.</exception>
    public async Task<T> WriteAsync<T>(Func<LdapConnection, T> operation, CancellationToken cancellationToken)
    {
        var master = _servers[0];
        var message = $"The LDAP master {master.Name} is unreachable: directory changes are not possible until it returns (reads continue from replicas and the cache).";
        if (master.IsSkipped(_time.GetUtcNow()))
        {
            throw new DirectoryUnavailableException(message);
        }
        try
        {
            return await RunAsync(master, operation, cancellationToken);
        }
        catch (Exception ex) when (LdapErrors.IsServerFailure(ex))
        {
            throw new DirectoryUnavailableException(message, ex);
        }
    }

    private async Task<T> RunAsync<T>(LdapServer server, Func<LdapConnection, T> operation, CancellationToken cancellationToken)
    {
        try
        {
            var result = await server.RunAsync(operation, cancellationToken);
            if (server.MarkUp(_time.GetUtcNow()) is { } downFor)
            {
                LdapDirectoryLog.ServerUp(_logger, server.Name, (long)downFor.TotalSeconds);
            }
            return result;
        }
        catch (DirectoryOperationException ex) when (!LdapErrors.IsServerFailure(ex))
        {
            // The server answered: it is up.
            if (server.MarkUp(_time.GetUtcNow()) is { } downFor)
            {
                LdapDirectoryLog.ServerUp(_logger, server.Name, (long)downFor.TotalSeconds);
            }
            throw;
        }
        catch (Exception ex) when (LdapErrors.IsServerFailure(ex))
        {
            if (server.MarkDown(_time.GetUtcNow()))
            {
                LdapDirectoryLog.ServerDown(_logger, server.Name, ex.Message);
            }
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }
    }
}
