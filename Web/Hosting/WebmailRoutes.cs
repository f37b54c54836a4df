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
    public const string Error = "/error";
    public const string NotFound = "/not-found";

    /// <summary>The message list of <paramref name="folder"/>, page <paramref name="page"/>.</summary>
    public static string List(string folder, int page = 1) =>
        page > 1 ? $"mail?folder={Uri.EscapeDataString(folder)}&page={page}" : $"mail?folder={Uri.EscapeDataString(folder)}";

    /// <summary>The message view of <paramref name="uid"/> in <paramref name="folder"/>.</summary>
    public static string Message(string folder, uint uid) => $"mail/read?folder={Uri.EscapeDataString(folder)}&uid={uid}";

    /// <summary>The sanitized HTML body document of a message (the sandboxed frame's source).</summary>
    public static string BodyOf(string folder, uint uid) => $"mail/body?folder={Uri.EscapeDataString(folder)}&uid={uid}";

    /// <summary>Download of attachment <paramref name="index"/>.</summary>
    public static string AttachmentOf(string folder, uint uid, int index) =>
        $"mail/attachment?folder={Uri.EscapeDataString(folder)}&uid={uid}&index={index}";

    /// <summary>True when <paramref name="url"/> is a local path safe to redirect to (no scheme, host or protocol-relative form).</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Contains('\r') && !url.Contains('\n');
}
