using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Imap.Acl;

/// <summary>
/// Fresh directory users for the ACL tests, so grants never leak into other tests' LIST output
/// (the IMAP host is shared by the collection).
/// </summary>
internal static class AclTestUsers
{
    /// <summary>Adds a user <c>acl…@<paramref name="domain"/></c> (the domain is added when missing) with the fixture's password.</summary>
    public static async Task<string> AddAsync(ImapHostFixture host, string domain = MailHostFixture.Domain)
    {
        var admin = host.Services.GetRequiredService<IDirectoryAdmin>();
        if (domain != MailHostFixture.Domain)
        {
            await admin.AddDomainAsync(domain, CancellationToken.None);
        }
        var address = "acl" + Guid.NewGuid().ToString("N")[..10] + "@" + domain;
        Assert.Equal(DirectoryChangeResult.Done, await admin.AddUserAsync(address, MailHostFixture.Password, CancellationToken.None));
        return address;
    }

    /// <summary>Moves a user to another mailbox node (directory <c>mailHost</c>).</summary>
    public static async Task SetMailHostAsync(ImapHostFixture host, string address, string mailHost)
    {
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var user = await db.Users.SingleAsync(u => u.Address == address);
        user.MailHost = mailHost;
        await db.SaveChangesAsync();
    }

    /// <summary>The client-visible name of <paramref name="owner"/>'s <paramref name="mailbox"/> in the shared namespace, quoted.</summary>
    public static string Shared(string owner, string mailbox) => "\"Other Users/" + owner + "/" + mailbox + "\"";

    /// <summary>
    /// A new owner with mailbox <paramref name="mailbox"/> holding <paramref name="messages"/>, a new grantee of
    /// the same domain, and <paramref name="rights"/> granted to it (none when empty). Returns the owner's open
    /// connection (authenticated state) and both addresses.
    /// </summary>
    public static async Task<(ImapTestConnection Owner, string OwnerAddress, string Grantee)> ShareAsync(ImapHostFixture host, string mailbox, string rights, params string[] messages)
    {
        var owner = await AddAsync(host);
        var grantee = await AddAsync(host);
        var c = await host.LoginAsync(owner);
        await ImapTranscript.CreateWithAsync(c, mailbox, messages);
        if (rights.Length > 0)
        {
            Assert.Equal(["sa OK SETACL completed"], await c.CommandAsync($"sa SETACL {mailbox} {grantee} {rights}"));
        }
        return (c, owner, grantee);
    }
}
