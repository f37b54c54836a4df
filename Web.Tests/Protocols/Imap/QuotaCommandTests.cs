using System.Text;
using Mail.Shared.Directory;
using Mail.Shared.Directory.Ldap.Passwords;
using Mail.Shared.Directory.Transfer;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>QUOTA (RFC 9208): GETQUOTAROOT, GETQUOTA (user and domain roots), SETQUOTA refused, STATUS DELETED-STORAGE, APPEND over quota.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class QuotaCommandTests(ImapHostFixture host)
{
    private async Task<string> UserWithQuotaAsync(long quotaOctets, string domain = MailHostFixture.Domain)
    {
        var address = ImapTranscript.Unique("quota").ToLowerInvariant() + "@" + domain;
        var transfer = (IDirectoryTransfer)host.Services.GetRequiredService<IDirectoryAdmin>();
        await transfer.ImportAsync(new DirectorySnapshot([], [new SnapshotUser(address, LdapPasswordHash.CreateSsha512(MailHostFixture.Password), "", "", quotaOctets, true, [], null)], []), CancellationToken.None);
        return address;
    }

    [Fact]
    public async Task GetQuotaRoot_UserWithQuota_ReportsStorageInKib_AndAppendOverQuotaIsRefused()
    {
        var user = await UserWithQuotaAsync(2048);
        await using var c = await host.LoginAsync(user);
        Assert.Equal(["* QUOTAROOT \"INBOX\" \"\"", "* QUOTA \"\" (STORAGE 0 2)", "q1 OK GETQUOTAROOT completed"], await c.CommandAsync("q1 GETQUOTAROOT INBOX"));
        var message = ImapTestMessages.Simple();
        await c.SendAsync(ImapTestMessages.AppendPlus("a1", "INBOX", message));
        Assert.StartsWith("a1 OK", (await c.ReadUntilTaggedAsync("a1"))[^1], StringComparison.Ordinal);
        Assert.Equal(["* QUOTA \"\" (STORAGE 1 2)", "q2 OK GETQUOTA completed"], await c.CommandAsync("q2 GETQUOTA \"\""));
        var big = ImapTestMessages.Simple(new string('x', 3000));
        await c.SendAsync(ImapTestMessages.AppendPlus("a2", "INBOX", big));
        Assert.Equal("a2 NO [OVERQUOTA] Quota exceeded", (await c.ReadUntilTaggedAsync("a2"))[^1]);
        Assert.Equal(["q3 NO [NOPERM] Quotas are set by the administrator"], await c.CommandAsync("q3 SETQUOTA \"\" (STORAGE 10)"));
    }

    [Fact]
    public async Task GetQuotaRoot_DomainWithQuota_NamesUserAndDomainRoots_GetQuotaReportsTheDomainsUsage()
    {
        // A domain of its own: a domain quota on the shared test domain would refuse other tests' mail.
        var domain = "dq" + Guid.NewGuid().ToString("N")[..10] + ".test";
        var admin = host.Services.GetRequiredService<IDirectoryAdmin>();
        Assert.True(await admin.AddDomainAsync(domain, CancellationToken.None));
        Assert.Equal(DirectoryChangeResult.Done, await admin.UpdateDomainAsync(domain, new DomainSettingsChange(Quota: 10 * 1024), CancellationToken.None));
        var bob = await UserWithQuotaAsync(20 * 1024, domain);
        var carol = await UserWithQuotaAsync(0, domain);
        var carols = ImapTestMessages.Simple(new string('c', 2100));
        var bobs = ImapTestMessages.Simple();
        static long Kib(params string[] messages) => (messages.Sum(m => (long)Encoding.UTF8.GetByteCount(m)) + 1023) / 1024;

        await using (var c = await host.LoginAsync(carol))
        {
            await c.SendAsync(ImapTestMessages.AppendPlus("a1", "INBOX", carols));
            Assert.StartsWith("a1 OK", (await c.ReadUntilTaggedAsync("a1"))[^1], StringComparison.Ordinal);
            // No quota of her own: only the domain root.
            Assert.Equal([$"* QUOTAROOT \"INBOX\" \"{domain}\"", $"* QUOTA \"{domain}\" (STORAGE {Kib(carols)} 10)", "q1 OK GETQUOTAROOT completed"],
                await c.CommandAsync("q1 GETQUOTAROOT INBOX"));
            Assert.Equal(["q2 NO [NONEXISTENT] No such quota root"], await c.CommandAsync("q2 GETQUOTA \"\""));
        }

        await using var b = await host.LoginAsync(bob);
        await b.SendAsync(ImapTestMessages.AppendPlus("a2", "INBOX", bobs));
        Assert.StartsWith("a2 OK", (await b.ReadUntilTaggedAsync("a2"))[^1], StringComparison.Ordinal);
        Assert.Equal(
            [
                $"* QUOTAROOT \"INBOX\" \"\" \"{domain}\"",
                $"* QUOTA \"\" (STORAGE {Kib(bobs)} 20)",
                $"* QUOTA \"{domain}\" (STORAGE {Kib(carols, bobs)} 10)",
                "q3 OK GETQUOTAROOT completed",
            ],
            await b.CommandAsync("q3 GETQUOTAROOT INBOX"));
        Assert.Equal([$"* QUOTA \"{domain}\" (STORAGE {Kib(carols, bobs)} 10)", "q4 OK GETQUOTA completed"], await b.CommandAsync($"q4 GETQUOTA {domain.ToUpperInvariant()}"));
        // Another domain's root, or a made-up one, is not this user's to see.
        Assert.Equal(["q5 NO [NONEXISTENT] No such quota root"], await b.CommandAsync($"q5 GETQUOTA {MailHostFixture.Domain}"));
        Assert.Equal(["q6 NO [NONEXISTENT] No such quota root"], await b.CommandAsync("q6 GETQUOTA \"User quota\""));
        // Within bob's own 20 KiB but over what is left of the domain's 10 KiB: refused by the domain root.
        var fill = ImapTestMessages.Simple(new string('f', 9000));
        await b.SendAsync(ImapTestMessages.AppendPlus("a3", "INBOX", fill));
        Assert.Equal("a3 NO [OVERQUOTA] Quota exceeded", (await b.ReadUntilTaggedAsync("a3"))[^1]);
    }

    [Fact]
    public async Task Quota_UnlimitedUser_HasNoQuotaRoot()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal(["* QUOTAROOT \"INBOX\"", "q1 OK GETQUOTAROOT completed"], await c.CommandAsync("q1 GETQUOTAROOT INBOX"));
        Assert.Equal(["q2 NO [NONEXISTENT] No such quota root"], await c.CommandAsync("q2 GETQUOTA \"\""));
        Assert.Contains(" QUOTA=RES-STORAGE", (await c.CommandAsync("c CAPABILITY"))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_DeletedStorage_CountsDeletedOctetsInKib()
    {
        var box = ImapTranscript.Unique("Qs");
        await using var c = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple(new string('y', 2100)), ImapTestMessages.Simple());
        await c.CommandAsync("s STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal($"* STATUS \"{box}\" (DELETED 1 DELETED-STORAGE 2)", (await c.CommandAsync($"st STATUS {box} (DELETED DELETED-STORAGE)"))[0]);
    }
}
