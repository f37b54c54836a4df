namespace Mail.Web.Tests.Web.Webmail;

/// <summary>Locates the shared mail corpus (<c>../shared/corpus</c> beside the repository root, or beside a worktree's parent).</summary>
internal static class WebmailCorpus
{
    private static readonly Lazy<string> s_root = new(Find);

    /// <summary>Absolute path of the corpus folder.</summary>
    public static string Root => s_root.Value;

    /// <summary>The HTML corpus files (<c>html/</c>).</summary>
    public static IEnumerable<string> HtmlFiles() =>
        System.IO.Directory.EnumerateFiles(Path.Combine(Root, "html")).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    /// <summary>Path of a file under the corpus.</summary>
    public static string File(string relative) => Path.Combine(Root, relative);

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Webmail.sln")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            throw new InvalidOperationException("Repository root (Webmail.sln) not found above " + AppContext.BaseDirectory);
        }
        // ../shared/corpus from the repository root; a worktree under <root>/wt/<name> has it two levels up.
        for (var up = dir.Parent; up is not null; up = up.Parent)
        {
            var candidate = Path.Combine(up.FullName, "shared", "corpus");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("Corpus folder shared/corpus not found above " + dir.FullName);
    }
}
