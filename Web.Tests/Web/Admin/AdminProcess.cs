using System.Diagnostics;

namespace Mail.Web.Tests.Web.Admin;

/// <summary>Runs <c>dotnet Mail.Web.dll admin ...</c> as a real process.</summary>
public static class AdminProcess
{
    /// <summary>Longest a CLI run may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The server binary copied beside the tests (same build).</summary>
    public static string WebDll { get; } = Path.Combine(AppContext.BaseDirectory, "Mail.Web.dll");

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    /// <summary>Runs <c>admin</c> with <paramref name="args"/>, writing <paramref name="stdin"/> (if any) and closing standard input.</summary>
    public static async Task<Result> RunAsync(
        IEnumerable<string> args,
        string? stdin = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(WebDll);
        info.ArgumentList.Add("admin");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // The child must not inherit test-runner settings that change its configuration.
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"admin {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s.");
        }
        return new Result(process.ExitCode, await output, await error);
    }
}
