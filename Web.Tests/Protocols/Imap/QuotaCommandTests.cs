using Mail.Shared.Directory.Ldap.Passwords;
using Mail.Shared.Directory.Transfer;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>QUOTA (RFC 9208): GETQUOTAROOT, GETQUOTA, SETQUOTA refused, STATUS DELETED-STORAGE, APPEND over quota.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class QuotaCommandTests(ImapHostFixture host)
{
    private async Task<string> UserWithQuotaAsync(long quotaOctets)
    {
        var address = ImapTranscript.Unique("quota").ToLowerInvariant() + "@" + MailHostFixture.Domain;
        var transfer = (IDirectoryTransfer)host.Services.GetRequiredService<Mail.Shared.Directory.IDirectoryAdmin>();
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
