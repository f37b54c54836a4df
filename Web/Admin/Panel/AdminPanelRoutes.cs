namespace Mail.Web.Admin.Panel;

/// <summary>Paths of the web admin panel, in one place for pages, endpoints and tests.</summary>
public static class AdminPanelRoutes
{
    public const string Home = "/admin";
    public const string SignIn = "/admin/signin";
    public const string SignOut = "/admin/signout";
    public const string Users = "/admin/users";
    public const string Password = "/admin/users/password";
    public const string Aliases = "/admin/aliases";
    public const string Queue = "/admin/queue";
    public const string QueueMessage = "/admin/queue/message";

    /// <summary>The detail page of queued message <paramref name="id"/>.</summary>
    public static string QueueMessageOf(string id) => $"{QueueMessage}?id={Uri.EscapeDataString(id)}";

    /// <summary>The users of <paramref name="domain"/>, optionally filtered by <paramref name="search"/>, page <paramref name="page"/> (1-based).</summary>
    public static string UsersOf(string domain, string? search = null, int page = 1) =>
        $"{Users}?domain={Uri.EscapeDataString(domain)}"
        + (string.IsNullOrWhiteSpace(search) ? "" : "&q=" + Uri.EscapeDataString(search.Trim()))
        + (page > 1 ? "&page=" + page.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");

    /// <summary>The change-password form of <paramref name="address"/>.</summary>
    public static string PasswordOf(string address) => $"{Password}?address={Uri.EscapeDataString(address)}";

    /// <summary>The aliases of <paramref name="domain"/>.</summary>
    public static string AliasesOf(string domain) => $"{Aliases}?domain={Uri.EscapeDataString(domain)}";
}
