using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Mail.Protocols.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Mail.Web.Tests.Protocols.Imap.Acl;

/// <summary>MailKit's ACL API (GetAccessControlList, SetAccessRights, GetMyAccessRights) and the other users' namespace.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SharedMailboxMailKitTests(ImapHostFixture host)
{
    private async Task<ImapClient> ConnectAsync(string user)
    {
        var client = new ImapClient();
        var endpoint = host.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap);
        client.ServerCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString() == host.Services.GetRequiredService<TlsCertificateProvider>().Certificate.GetCertHashString();
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(user, MailHostFixture.Password);
        return client;
    }

    [Fact]
    public async Task MailKit_OwnerSharesFolder_GranteeReadsAndAppendsThroughOtherUsersNamespace()
    {
        var owner = await AclTestUsers.AddAsync(host);
        var grantee = await AclTestUsers.AddAsync(host);
        var box = ImapTranscript.Unique("Kit");

        using var ownerClient = await ConnectAsync(owner);
        Assert.True((ownerClient.Capabilities & ImapCapabilities.Acl) != 0);
        var personal = ownerClient.GetFolder(ownerClient.PersonalNamespaces[0]);
        var folder = Assert.IsAssignableFrom<IMailFolder>(await personal.CreateAsync(box, isMessageFolder: true));
        await folder.AppendAsync(new MimeMessage([new MailboxAddress("Owner", owner)], [new MailboxAddress("Team", grantee)], "shared hello", new TextPart("plain") { Text = "for the team" }));
        await folder.SetAccessRightsAsync(grantee, new AccessRights("lrsi"));
        var acl = await folder.GetAccessControlListAsync();
        Assert.Equal("lrswipkxteacd", acl.Single(a => a.Name == owner).Rights.ToString());
        Assert.Equal("lrsi", acl.Single(a => a.Name == grantee).Rights.ToString());

        using var granteeClient = await ConnectAsync(grantee);
        Assert.Equal("Other Users", Assert.Single(granteeClient.OtherNamespaces).Path);
        var shared = await granteeClient.GetFolderAsync($"Other Users/{owner}/{box}");
        var mine = await shared.GetMyAccessRightsAsync();
        Assert.Equal("lrsi", mine.ToString());
        await shared.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(1, shared.Count);
        var message = await shared.GetMessageAsync(0);
        Assert.Equal("shared hello", message.Subject);
        await shared.AddFlagsAsync(0, MessageFlags.Seen, silent: true);
        var appended = await shared.AppendAsync(new MimeMessage([new MailboxAddress("Grantee", grantee)], [new MailboxAddress("Team", owner)], "reply", new TextPart("plain") { Text = "ok" }));
        Assert.NotNull(appended);
        // PERMANENTFLAGS tells the client which flags its rights allow (MailKit then filters what it sends).
        Assert.Equal(MessageFlags.Seen, shared.PermanentFlags);

        await folder.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(2, folder.Count);
        var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.Envelope);
        // The grantee's \Seen is its own (RFC 4314 §4, like Dovecot's INDEXPVT): the owner's flags did not change.
        Assert.False(summaries[0].Flags!.Value.HasFlag(MessageFlags.Seen));
        Assert.True((await shared.FetchAsync(0, 0, MessageSummaryItems.Flags))[0].Flags!.Value.HasFlag(MessageFlags.Seen));
        Assert.Equal("reply", summaries[1].Envelope?.Subject);

        await folder.RemoveAccessAsync(grantee);
        Assert.DoesNotContain(await folder.GetAccessControlListAsync(), a => a.Name == grantee);
        await ownerClient.DisconnectAsync(true);
        await granteeClient.DisconnectAsync(true);
    }
}
