namespace Mail.Web.Tests.Infrastructure;

/// <summary>Paths the end-to-end tests need: the repository root, the shared corpus, the built server.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> s_repoRoot = new(FindRepoRoot);

    /// <summary>The folder holding <c>Webmail.sln</c>, found by walking up from the test assembly.</summary>
    /// <exception cref="DirectoryNotFoundException">No ancestor folder holds Webmail.sln.</exception>
    public static string RepoRoot => s_repoRoot.Value;

    /// <summary>
    /// The shared corpus: <c>$MAIL_TEST_CORPUS</c> when set, else <c>../shared/corpus</c> beside the repository root
    /// (for a git worktree nested deeper, the first <c>shared/corpus</c> found further up).
    /// </summary>
    public static string Corpus => s_corpus.Value;

    private static readonly Lazy<string> s_corpus = new(() =>
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("MAIL_TEST_CORPUS");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }
        var beside = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus"));
        for (var dir = Directory.GetParent(RepoRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "corpus");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return beside;
    });

    /// <summary>
    /// The built server, <c>Web/bin/&lt;Configuration&gt;/&lt;tfm&gt;/Mail.Web.dll</c>, in the same configuration
    /// and target framework as this test assembly (both are read from the test assembly's output path).
    /// </summary>
    /// <exception cref="FileNotFoundException">The Web project was not built.</exception>
    public static string ServerAssembly
    {
        get
        {
            var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = testDir.Name;
            var configuration = testDir.Parent?.Name ?? "Debug";
            var path = Path.Combine(RepoRoot, "Web", "bin", configuration, tfm, "Mail.Web.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"The server is not built at {path}: build Webmail.sln first.", path);
        }
    }

    /// <summary>A new empty folder under the system temp folder, named for <paramref name="purpose"/>.</summary>
    public static string NewTempDirectory(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), "mail-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Webmail.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("No folder with Webmail.sln above " + AppContext.BaseDirectory);
    }
}
