using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.EndToEnd.Clients;

/// <summary>The python3 client scripts beside this file, run from the source tree.</summary>
public static class ClientScripts
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Debian's python3 (package python3, installed by scripts/services.sh) when present, else the one on PATH. A
    /// version-manager shim on PATH (pyenv) can block when many processes start at once, e.g. fetchmail's MDA.
    /// </summary>
    public static string Python { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Absolute path of a script in <c>Web.Tests/EndToEnd/Clients</c>.</summary>
    public static string PathOf(string script) => Path.Combine(TestPaths.RepoRoot, "Web.Tests", "EndToEnd", "Clients", script);

    /// <summary>Runs <c>python3 script args...</c>; throws with the transcript when it exits non-zero.</summary>
    /// <exception cref="InvalidOperationException">The script failed.</exception>
    public static async Task<ExternalResult> RunPythonAsync(string script, params string[] arguments)
    {
        var result = await ExternalProcess.RunAsync(Python, [PathOf(script), .. arguments], s_timeout);
        return result.ExitCode == 0
            ? result
            : throw new InvalidOperationException($"python3 {script} failed.\n{result.Transcript}");
    }

    /// <summary>Runs a Debian client program; throws with the transcript when it exits non-zero.</summary>
    /// <exception cref="InvalidOperationException">The program failed.</exception>
    public static async Task<ExternalResult> RunToolAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await ExternalProcess.RunAsync(program, arguments, s_timeout, workingDirectory: workingDirectory, environment: environment);
        return result.ExitCode == 0
            ? result
            : throw new InvalidOperationException($"{program} failed.\n{result.Transcript}");
    }

    /// <summary>The files of <paramref name="folder"/> (recursively, dot files excluded) in ordinal name order, as bytes.</summary>
    public static IReadOnlyList<byte[]> ReadFolder(string folder, Comparison<string>? order = null)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .ToList();
        files.Sort(order ?? ((a, b) => string.CompareOrdinal(Path.GetFileName(a), Path.GetFileName(b))));
        return [.. files.Select(File.ReadAllBytes)];
    }

    /// <summary>Turns every bare LF back into CRLF (for clients that store messages with Unix line ends).</summary>
    public static byte[] LfToCrlf(byte[] data)
    {
        var output = new List<byte>(data.Length + data.Length / 32);
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
            {
                output.Add((byte)'\r');
            }
            output.Add(data[i]);
        }
        return [.. output];
    }
}
