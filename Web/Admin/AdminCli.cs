namespace Mail.Web.Admin;

/// <summary>The management CLI (<c>admin domain|user|alias ...</c>).</summary>
internal static class AdminCli
{
    /// <summary>Runs one admin command; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        // Filled in by the platform work.
        Console.Error.WriteLine("admin: no commands yet");
        return Task.FromResult(2);
    }
}
