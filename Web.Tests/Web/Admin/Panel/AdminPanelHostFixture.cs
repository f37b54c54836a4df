using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Web.Admin.Panel;

/// <summary>
/// The whole host (<see cref="MailHostFixture"/>) with alice as the only administrator of the admin panel
/// (<c>Mail:Admin:Administrators</c>; bob is a valid user but no administrator) and <see cref="UsersPageSize"/> users per page.
/// </summary>
public sealed class AdminPanelHostFixture : MailHostFixture
{
    /// <summary>Users per page of the panel's user list in this host, small so paging shows with a few users.</summary>
    public const int UsersPageSize = 2;

    /// <summary>A remote domain whose mail stays in the outbound queue (deferred, retried minutes later).</summary>
    public const string UnreachableDomain = "unreachable.test";

    public AdminPanelHostFixture()
        : base(new Dictionary<string, string?>
        {
            ["Mail:Admin:Administrators:0"] = Alice,
            ["Mail:Admin:UsersPageSize"] = UsersPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Mail to this domain stays queued: its route is a loopback port nobody listens on (connection refused, retried later).
            [$"Mail:Outbound:Routes:{UnreachableDomain}"] = "127.0.0.1:1",
        })
    {
    }
}

/// <summary>One <see cref="AdminPanelHostFixture"/> shared by the admin panel's HTTP and browser tests.</summary>
[CollectionDefinition(Name)]
public sealed class AdminPanelHostCollection : ICollectionFixture<AdminPanelHostFixture>
{
    public const string Name = "AdminPanelHost";
}
