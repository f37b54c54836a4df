using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>
/// A private slapd for tests that stop and restart the server (outage tests): its own config in a temp
/// directory with the shipped schema (deploy/ldap/mailplatform.schema), only the suffix entry, a free
/// loopback port kept across restarts, run in the foreground (<c>-d 0</c>) as a child process.
/// Needs slapd installed (scripts/services-ldap.sh installs it); fails with a clear message otherwise.
/// </summary>
public sealed class SlapdProcess : IAsyncDisposable
{
    public const string BaseDn = "dc=example,dc=com";
    public const string BindDn = "cn=admin,dc=example,dc=com";
    public const string BindPassword = "adminpw";
    private const string Slapd = "/usr/sbin/slapd";
    private const string Slapadd = "/usr/sbin/slapadd";

    private readonly string _dir;
    private Process? _process;

    private SlapdProcess(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string Uri => $"ldap://127.0.0.1:{Port}";

    public LdapTestServer Server => new(Uri, BaseDn, BindDn, BindPassword);

    /// <param name="provider">Load the syncprov overlay, so replicas can follow this server (RFC 4533).</param>
    /// <param name="consumerOf">URI of a provider: this server starts empty and replicates it (syncrepl
    /// refreshAndPersist, retry every second, so it catches up after the provider comes back).</param>
    public static async Task<SlapdProcess> StartNewAsync(bool provider = false, string? consumerOf = null)
    {
        if (!File.Exists(Slapd))
        {
            throw new InvalidOperationException($"{Slapd} is missing: run scripts/services-ldap.sh (installs slapd and ldap-utils).");
        }
        var dir = Path.Combine(Path.GetTempPath(), "slapd-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path.Combine(dir, "data"));
        var schema = Path.Combine(RepoRoot(), "deploy", "ldap", "mailplatform.schema");
        var replication = provider
            ? "index entryCSN,entryUUID eq\noverlay syncprov\nsyncprov-checkpoint 100 1\n"
            : consumerOf is null
                ? ""
                : $"index entryCSN,entryUUID eq\nsyncrepl rid=001 provider={consumerOf} type=refreshAndPersist retry=\"1 +\" " +
                  $"searchbase=\"{BaseDn}\" bindmethod=simple binddn=\"{BindDn}\" credentials={BindPassword}\n";
        await File.WriteAllTextAsync(Path.Combine(dir, "slapd.conf"), $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            include /etc/ldap/schema/nis.schema
            include /etc/ldap/schema/misc.schema
            include {schema}
            pidfile {dir}/slapd.pid
            modulepath /usr/lib/ldap
            moduleload back_mdb
            moduleload syncprov
            database mdb
            maxsize 104857600
            suffix "{BaseDn}"
            rootdn "{BindDn}"
            rootpw {BindPassword}
            directory {dir}/data
            index objectClass eq
            index uid,mail,mailLocalAddress,cn,associatedDomain eq
            {replication}
            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "suffix.ldif"), $"dn: {BaseDn}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n");
        if (consumerOf is null)
        {
            await RunAsync(Slapadd, "-f", Path.Combine(dir, "slapd.conf"), "-l", Path.Combine(dir, "suffix.ldif"));
        }
        var slapd = new SlapdProcess(dir, FreePort());
        await slapd.StartAsync();
        return slapd;
    }

    /// <summary>Starts (or restarts) slapd on the same port and data and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Slapd) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-d", "0", "-h", $"ldap://127.0.0.1:{Port}/", "-f", Path.Combine(_dir, "slapd.conf") })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("slapd did not start.");
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Kills slapd (as a crash would) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static readonly Lock PortLock = new();
    private static int _nextPort = 20000 + Random.Shared.Next(8000);

    /// <summary>
    /// A free loopback port, distinct from every other one handed out in this test process: ports from
    /// "bind port 0, close" can come back twice when several test classes start slapd at once.
    /// </summary>
    private static int FreePort()
    {
        lock (PortLock)
        {
            while (true)
            {
                var port = _nextPort++;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // In use: try the next one.
                }
            }
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {error}");
        }
    }

    /// <summary>The folder with Webmail.sln above the test binaries.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Webmail.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Webmail.sln not found above " + AppContext.BaseDirectory);
    }
}
