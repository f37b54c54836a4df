using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Mail.Web.Tests.Infrastructure;

/// <summary>
/// The real server binary (<c>dotnet Mail.Web.dll</c>, all roles) run as a separate process on a temp data path
/// and explicit free ports on 127.0.0.1, for end-to-end tests with real clients, kill -9 and restart.
/// </summary>
/// <remarks>
/// Start: <c>dotnet Mail.Web.dll --Mail:DataPath=... --Mail:Endpoints:SmtpIn=127.0.0.1:p ... --urls http://127.0.0.1:p</c>
/// with the Web project's output folder as working directory (so its appsettings.json is read). Ready when the host
/// reports it started (all listeners are bound by then) and SMTP and HTTP accept connections. Users are added
/// through the real admin CLI of the same binary (<c>Mail__DataPath</c> in its environment).
/// </remarks>
public sealed class MailServerProcess : IAsyncDisposable
{
    /// <summary>The password every user added by <see cref="AddUserAsync"/> gets unless told otherwise.</summary>
    public const string DefaultPassword = "password";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan s_cliTimeout = TimeSpan.FromSeconds(60);
    private const int MaxLogChars = 200_000;

    private readonly StringBuilder _log = new();
    private readonly bool _ownsDataPath;
    private readonly string[] _extraArguments;
    private Process? _process;

    private MailServerProcess(string dataPath, bool ownsDataPath, string[] extraArguments)
    {
        DataPath = dataPath;
        _extraArguments = extraArguments;
        _ownsDataPath = ownsDataPath;
        var ports = FreePorts.Take(6);
        SmtpPort = ports[0];
        SubmissionPort = ports[1];
        ImapPort = ports[2];
        Pop3Port = ports[3];
        LmtpPort = ports[4];
        HttpPort = ports[5];
    }

    /// <summary>Absolute data path (platform DB, mailbox store, certificate).</summary>
    public string DataPath { get; }

    public int SmtpPort { get; }

    public int SubmissionPort { get; }

    public int ImapPort { get; }

    public int Pop3Port { get; }

    public int LmtpPort { get; }

    public int HttpPort { get; }

    /// <summary>The web root, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri HttpUrl => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>OS process id of the running server, or null when it is not running.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>The last output of the server (stdout and stderr, interleaved), for assertion messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the server on a new temp data path (or <paramref name="dataPath"/>) and waits until it serves.</summary>
    /// <exception cref="InvalidOperationException">The server exited or did not open its ports within 90 s (its output is in the message).</exception>
    /// <param name="dataPath">Data path to use, or null for a new temp one.</param>
    /// <param name="extraArguments">More configuration arguments (<c>--Section:Key=Value</c>), kept for restarts.</param>
    public static async Task<MailServerProcess> StartAsync(string? dataPath = null, params string[] extraArguments)
    {
        var server = new MailServerProcess(dataPath ?? TestPaths.NewTempDirectory("server"), ownsDataPath: dataPath is null, extraArguments);
        try
        {
            await server.StartProcessAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Runs <c>dotnet Mail.Web.dll admin ...</c> on this server's data path (while it runs).</summary>
    public Task<ExternalResult> AdminAsync(string? stdin, params string[] arguments) =>
        ExternalProcess.RunAsync(
            "dotnet",
            [TestPaths.ServerAssembly, "admin", .. arguments],
            s_cliTimeout,
            stdin,
            Path.GetDirectoryName(TestPaths.ServerAssembly),
            new Dictionary<string, string>(ChildEnvironment()) { ["Mail__DataPath"] = DataPath });

    /// <summary>Adds <paramref name="domain"/> through the admin CLI.</summary>
    /// <exception cref="InvalidOperationException">The CLI failed (its transcript is in the message).</exception>
    public async Task AddDomainAsync(string domain) =>
        Check(await AdminAsync(null, "domain", "add", domain), "domain add " + domain);

    /// <summary>Adds the user <paramref name="address"/> (password via <c>--password-stdin</c>) through the admin CLI.</summary>
    /// <exception cref="InvalidOperationException">The CLI failed (its transcript is in the message).</exception>
    public async Task AddUserAsync(string address, string password = DefaultPassword) =>
        Check(await AdminAsync(password + "\n", "user", "add", address, "--password-stdin"), "user add " + address);

    /// <summary>SIGKILL (kill -9): no shutdown code runs. Returns when the process is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false); // SIGKILL on Linux
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM and wait for a clean exit (the host's graceful shutdown).</summary>
    /// <exception cref="TimeoutException">Still running after 30 s.</exception>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            await ExternalProcess.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("The server did not stop within 30 s of SIGTERM.\n" + Log);
            }
        }
    }

    /// <summary>Starts the server again on the same data path and ports (after <see cref="KillAsync"/> or <see cref="StopAsync"/>).</summary>
    public Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is still running.");
        }
        return StartProcessAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process?.Dispose();
            _process = null;
            if (_ownsDataPath)
            {
                try
                {
                    Directory.Delete(DataPath, recursive: true);
                }
                catch (IOException)
                {
                    // A file still held open by a dying child; the temp folder is cleaned by the OS.
                }
            }
        }
    }

    private async Task StartProcessAsync()
    {
        var assembly = TestPaths.ServerAssembly;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        foreach (var argument in (string[])[
            assembly,
            $"--Mail:DataPath={DataPath}",
            "--Mail:Roles=all",
            $"--Mail:Endpoints:SmtpIn=127.0.0.1:{SmtpPort}",
            $"--Mail:Endpoints:Submission=127.0.0.1:{SubmissionPort}",
            "--Mail:Endpoints:SubmissionTls=127.0.0.1:0",
            $"--Mail:Endpoints:Imap=127.0.0.1:{ImapPort}",
            $"--Mail:Endpoints:Pop3=127.0.0.1:{Pop3Port}",
            "--Mail:Endpoints:ImapTls=127.0.0.1:0",
            "--Mail:Endpoints:Pop3Tls=127.0.0.1:0",
            $"--Mail:Endpoints:Lmtp=127.0.0.1:{LmtpPort}",
            "--urls", $"http://127.0.0.1:{HttpPort}",
            .. _extraArguments,
        ])
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in ChildEnvironment())
        {
            info.Environment[key] = value;
        }

        Append($"=== start {DateTime.UtcNow:O}: dotnet {string.Join(' ', info.ArgumentList)}");
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        // Started = the host's ApplicationStarted (every listener binds in StartAsync, before it), seen as the
        // startup banner or the lifetime log line; then the ports every role serves must accept.
        var deadline = Stopwatch.StartNew();
        while (!Log.Contains("Mail platform running", StringComparison.Ordinal) && !Log.Contains("Application started", StringComparison.Ordinal))
        {
            ThrowIfGone(process, deadline, "start");
            await Task.Delay(50);
        }
        // A web-only node (--Mail:Roles=web) has no SMTP listener: only HTTP must accept.
        var webOnly = _extraArguments.Any(a => a.Equals("--Mail:Roles=web", StringComparison.OrdinalIgnoreCase));
        foreach (var port in webOnly ? [HttpPort] : (int[])[SmtpPort, HttpPort])
        {
            while (!await AcceptsAsync(port))
            {
                ThrowIfGone(process, deadline, $"open port {port}");
                await Task.Delay(50);
            }
        }
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static Task<bool> IsListeningAsync(int port) => AcceptsAsync(port);

    private void ThrowIfGone(Process process, Stopwatch deadline, string what)
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"The server exited with code {process.ExitCode} before it could {what}.\n{Log}");
        }
        if (deadline.Elapsed > s_startTimeout)
        {
            throw new InvalidOperationException($"The server did not {what} within {s_startTimeout}.\n{Log}");
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", port, cts.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> ChildEnvironment() => new()
    {
        // The child reads only its own appsettings.json and our command line.
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    private static void Check(ExternalResult result, string what)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"admin {what} failed.\n{result.Transcript}");
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
            if (_log.Length > MaxLogChars)
            {
                _log.Remove(0, _log.Length - MaxLogChars / 2);
            }
        }
    }
}
