using Mail.Web.Webmail;

namespace Mail.Web.Hosting;

/// <summary>Paths of the webmail, in one place for pages, endpoints and tests.</summary>
public static class WebmailRoutes
{
    public const string SignIn = "/signin";
    public const string SignOut = "/signout";
    public const string Language = "/language";
    public const string Mail = "/mail";
    public const string Read = "/mail/read";
    public const string Body = "/mail/body";
    public const string Attachment = "/mail/attachment";
    public const string Preview = "/mail/preview";
    public const string PdfPreview = "/mail/preview/pdf";
    public const string Zip = "/mail/attachments.zip";
    public const string Error = "/error";
    public const string NotFound = "/not-found";

    /// <summary>The message list of <paramref name="folder"/> (newest first, no filter).</summary>
    public static string List(string folder) => $"mail?folder={Uri.EscapeDataString(folder)}";

    /// <summary>The message list <paramref name="query"/> describes; defaults are left out of the URL.</summary>
    public static string List(WebmailListQuery query)
    {
        var url = new System.Text.StringBuilder("mail?folder=").Append(Uri.EscapeDataString(query.Folder));
        if (query.Sort != WebmailSort.Date)
        {
            url.Append("&sort=").Append(query.Sort.ToString().ToLowerInvariant());
        }
        if (query.Ascending)
        {
            url.Append("&order=asc");
        }
        if (query.Filter != WebmailQuickFilter.None)
        {
            url.Append("&filter=").Append(query.Filter.ToString().ToLowerInvariant());
        }
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            url.Append("&q=").Append(Uri.EscapeDataString(query.Text.Trim()));
            if (query.AllFolders)
            {
                url.Append("&scope=all");
            }
        }
        if (query.Threads)
        {
            url.Append("&view=threads");
        }
        return url.ToString();
    }

    /// <summary>The conversation list (one row per conversation across Inbox, Sent and Archive).</summary>
    public const string Conversations = "mail/conversations";

    /// <summary>The reader of conversation <paramref name="threadId"/> (all its messages, oldest first).</summary>
    public static string Conversation(string threadId) => $"mail/conversation?id={Uri.EscapeDataString(threadId)}";

    /// <summary>The message view of <paramref name="uid"/> in <paramref name="folder"/>.</summary>
    public static string Message(string folder, uint uid) => $"mail/read?folder={Uri.EscapeDataString(folder)}&uid={uid}";

    /// <summary>
    /// The message view of <paramref name="uid"/> in <paramref name="folder"/> opened from row <paramref name="position"/>
    /// (zero-based) of the list <paramref name="list"/>, so next/previous (j/k) follow that list: <c>pos</c> is the row,
    /// <c>list</c> the list's own query string (<see cref="List(WebmailListQuery)"/> without its path), left out when
    /// the list is the folder's default one.
    /// </summary>
    /// <remarks><paramref name="keep"/> (<c>keep</c>, at most <see cref="MaxKept"/> UIDs) are messages of a filtered list the reader opened
    /// before, which stay in it though opening marked them read (<see cref="WebmailListKeep"/>).</remarks>
    public static string Message(string folder, uint uid, WebmailListQuery list, int position, IReadOnlyCollection<uint>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(list);
        var url = new System.Text.StringBuilder(Message(folder, uid))
            .Append("&pos=").Append(Math.Max(0, position).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (list != new WebmailListQuery(folder))
        {
            url.Append("&list=").Append(Uri.EscapeDataString(List(list)["mail?".Length..]));
        }
        if (keep is { Count: > 0 })
        {
            url.Append("&keep=").AppendJoin(',', keep.TakeLast(MaxKept).Select(u => u.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return url.ToString();
    }

    /// <summary>Most UIDs a reader URL keeps in its list (<c>keep</c>), the latest ones.</summary>
    public const int MaxKept = 100;

    /// <summary>The UIDs of a reader URL's <c>keep</c> parameter: at most <see cref="MaxKept"/>, invalid items skipped.</summary>
    public static IReadOnlyList<uint> KeptOf(string? keep)
    {
        if (string.IsNullOrEmpty(keep) || keep.Length > MaxKept * 11)
        {
            return [];
        }
        return [.. keep.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(k => uint.TryParse(k, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var u) ? u : 0)
            .Where(u => u > 0)
            .Distinct()
            .TakeLast(MaxKept)];
    }

    /// <summary>
    /// The list a reader URL's <c>list</c> parameter names (<see cref="Message(string, uint, WebmailListQuery, int, IReadOnlyCollection{uint})"/>);
    /// the default list of <paramref name="folder"/> when it is missing. Unknown values fall back to the defaults.
    /// </summary>
    public static WebmailListQuery ListOf(string? list, string folder)
    {
        if (string.IsNullOrEmpty(list) || list.Length > 4096)
        {
            return new WebmailListQuery(folder);
        }
        var values = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(list.StartsWith('?') ? list : "?" + list);
        string? Value(string name) => values.TryGetValue(name, out var v) ? v.ToString() : null;
        return WebmailListQuery.Parse(Value("folder") ?? folder, Value("sort"), Value("order"), Value("filter"), Value("q"), Value("scope"), Value("view"));
    }

    /// <summary>The sanitized HTML body document of a message (the sandboxed frame's source).</summary>
    public static string BodyOf(string folder, uint uid, bool images = false) =>
        $"mail/body?folder={Uri.EscapeDataString(folder)}&uid={uid}" + (images ? "&images=1" : "");

    /// <summary>Download of attachment <paramref name="index"/>.</summary>
    public static string AttachmentOf(string folder, uint uid, int index) =>
        $"mail/attachment?folder={Uri.EscapeDataString(folder)}&uid={uid}&index={index}";

    /// <summary>Inline preview of image attachment <paramref name="index"/> (raster types only).</summary>
    public static string PreviewOf(string folder, uint uid, int index) =>
        $"mail/preview?folder={Uri.EscapeDataString(folder)}&uid={uid}&index={index}";

    /// <summary>Page <paramref name="page"/> (1-based) of PDF attachment <paramref name="index"/>, rendered to PNG on the server.</summary>
    public static string PdfPageOf(string folder, uint uid, int index, int page) =>
        $"mail/preview/pdf?folder={Uri.EscapeDataString(folder)}&uid={uid}&index={index}&page={page}";

    /// <summary>All attachments of a message as one zip download.</summary>
    public static string ZipOf(string folder, uint uid) => $"mail/attachments.zip?folder={Uri.EscapeDataString(folder)}&uid={uid}";

    /// <summary>True when <paramref name="url"/> is a local path safe to redirect to (no scheme, host or protocol-relative form).</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Contains('\r') && !url.Contains('\n');
}
