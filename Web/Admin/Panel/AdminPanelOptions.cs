using Mail.Shared.Directory;

namespace Mail.Web.Admin.Panel;

/// <summary>Options of the web admin panel under <c>/admin</c> (section <c>Mail:Admin</c>).</summary>
public sealed class AdminPanelOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Mail:Admin";

    /// <summary>
    /// Addresses of the directory users who may sign in to the admin panel with their directory password
    /// (<c>Mail:Admin:Administrators:0=alice@example.com</c>); compared case-insensitively after normalization. Empty (the
    /// default): nobody can sign in. Checked on every request, so removing an address ends that administrator's sessions.
    /// On a node without the <c>Admin</c> role the list is treated as empty.
    /// </summary>
    public IList<string> Administrators { get; } = [];

    /// <summary>Idle time after which an admin session expires, in minutes (sliding); default 30.</summary>
    public int SessionIdleMinutes { get; set; } = 30;

    /// <summary>Users per page in the panel's user list; default 50.</summary>
    public int UsersPageSize { get; set; } = 50;

    /// <summary>True when <paramref name="address"/> is one of <see cref="Administrators"/>.</summary>
    public bool IsAdministrator(string? address) =>
        !string.IsNullOrWhiteSpace(address)
        && Administrators.Any(a => !string.IsNullOrWhiteSpace(a) && MailAddressText.Normalize(a) == MailAddressText.Normalize(address));
}
