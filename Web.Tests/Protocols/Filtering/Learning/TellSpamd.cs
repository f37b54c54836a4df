using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Mail.Protocols.Filtering.Spamd;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Filtering.Learning;

/// <summary>
/// A private spamd started like scripts/services-filters.sh starts the shared one (<c>--allow-tell</c>, its
/// own <c>bayes_path</c>, <c>use_bayes_rules 0</c>, <c>bayes_auto_learn 0</c>), on a free port with its own
/// Bayes directory, so TELL tests count exactly what they learned and never train the shared spamd.
/// </summary>
public sealed partial class TellSpamd : IAsyncLifetime
{
    private readonly string _dir = TestPaths.NewTempDirectory("tell-spamd");
    private Process? _process;

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>spamd's Bayes directory (<c>sa-learn --dbpath</c>).</summary>
    public string BayesDirectory => Path.Combine(_dir, "bayes");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(BayesDirectory);
        // spamd's children run as nobody and create the database files.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, (UnixFileMode)0x1FF);
            File.SetUnixFileMode(BayesDirectory, (UnixFileMode)0x1FF);
        }
        var port = FreePorts.Take(1)[0];
        Endpoint = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo("spamd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            "-i", Endpoint, "-A", "127.0.0.1", "-m", "1", "--min-spare=1", "-L", "-x", "--allow-tell", "-u", "nobody", "-H", _dir,
            "--cf", $"bayes_path {BayesDirectory}/bayes", "--cf", "use_bayes_rules 0", "--cf", "bayes_auto_learn 0", "-s", "stderr",
        })
        {
            info.ArgumentList.Add(argument);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start spamd");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var client = new SpamdClient(Endpoint, "nobody", 64 * 1024);
        // Loading the rules takes seconds, minutes on a loaded machine.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await client.PingAsync(CancellationToken.None))
                {
                    return;
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Not listening yet.
            }
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(180))
            {
                throw new InvalidOperationException($"private spamd did not answer at {Endpoint} (exited: {_process.HasExited})");
            }
            await Task.Delay(200);
        }
    }

    /// <summary><c>nspam</c> and <c>nham</c> of <c>sa-learn --dump magic</c> on spamd's own database.</summary>
    /// <remarks>Before the first learning there is no database (sa-learn fails on it): (0, 0).</remarks>
    public async Task<(int Spam, int Ham)> CountsAsync()
    {
        if (!File.Exists(Path.Combine(BayesDirectory, "bayes_toks")))
        {
            return (0, 0);
        }
        var result = await ExternalProcess.RunAsync("sa-learn", ["--dbpath", BayesDirectory, "--dump", "magic"], TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, result.Transcript);
        return (Count(result.StandardOutput, "nspam"), Count(result.StandardOutput, "nham"));
    }

    private static int Count(string dump, string name)
    {
        // "0.000          0          1          0  non-token data: nspam"
        var match = MagicLine().Matches(dump).FirstOrDefault(m => m.Groups[2].Value == name);
        Assert.True(match is not null, $"no {name} in:\n{dump}");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\S+\s+\d+\s+(\d+)\s+\d+\s+non-token data: (\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex MagicLine();

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A child that was still writing; the temp directory is left behind.
        }
        return Task.CompletedTask;
    }
}
