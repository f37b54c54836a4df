using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Mail.Web.Tests.Infrastructure;
using Mail.Protocols.Hosting;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>A real client (MailKit's ImapClient) against the server: corpus round trip and a full session.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class MailKitClientTests(ImapHostFixture host)
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
    public async Task FetchEnvelope_SubjectAndFileNameOver4096Octets_MailKitReadsThem()
    {
        // MailKit refuses string literals over 4096 octets inside ENVELOPE/BODYSTRUCTURE: long values must come quoted.
        var subject = new string('L', 5000) + " end";
        var fileName = new string('f', 5000) + ".txt";
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.net"));
        message.To.Add(MailboxAddress.Parse(MailHostFixture.Bob));
        message.Subject = subject;
        var body = new Multipart("mixed") { new TextPart("plain") { Text = "hello" } };
        body.Add(new MimePart("text", "plain") { Content = new MimeContent(new MemoryStream("x"u8.ToArray())), FileName = fileName });
        message.Body = body;
        var name = "LongSubject" + Guid.NewGuid().ToString("N")[..6];

        using var client = await ConnectAsync(MailHostFixture.Bob);
        var folder = (await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(name, true))!;
        await folder.AppendAsync(message);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure);

        Assert.Equal(subject, Assert.Single(summaries).Envelope!.Subject);
        Assert.Equal(fileName, summaries[0].Attachments.Single().FileName);
        await client.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task Corpus_AppendedMessages_ComeBackByteExactWithBodyStructure()
    {
        // Append the exact octets over a raw connection (MailKit would re-serialize a MimeMessage).
        var name = "Corpus" + Guid.NewGuid().ToString("N")[..6];
        var uids = new List<(string Name, byte[] Octets, UniqueId Uid)>();
        await using (var raw = await host.LoginAsync(MailHostFixture.Bob))
        {
            Assert.StartsWith("c OK", (await raw.CommandAsync("c CREATE " + name))[^1], StringComparison.Ordinal);
            foreach (var (file, octets) in ImapTestMessages.Corpus())
            {
                await raw.SendAsync(System.Text.Encoding.ASCII.GetBytes($"a APPEND {name} {{{octets.Length}+}}\r\n"));
                await raw.SendAsync(octets);
                await raw.SendAsync("\r\n");
                var reply = (await raw.ReadUntilTaggedAsync("a"))[^1];
                var match = System.Text.RegularExpressions.Regex.Match(reply, @"^a OK \[APPENDUID \d+ (\d+)\]");
                Assert.True(match.Success, file + ": " + reply);
                uids.Add((file, octets, new UniqueId(uint.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))));
            }
        }

        using var client = await ConnectAsync(MailHostFixture.Bob);
        var folder = await client.GetFolderAsync(name);
        await folder.OpenAsync(FolderAccess.ReadOnly);

        var failures = new List<string>();
        foreach (var (file, octets, uid) in uids)
        {
            var summaries = await folder.FetchAsync([uid], MessageSummaryItems.BodyStructure | MessageSummaryItems.Envelope | MessageSummaryItems.Size | MessageSummaryItems.UniqueId);
            if (summaries.Count != 1 || summaries[0].Body is null || summaries[0].Size != octets.Length)
            {
                failures.Add(file + ": summary");
                continue;
            }
            using var body = await folder.GetStreamAsync(uid, "");
            using var copy = new MemoryStream();
            await body.CopyToAsync(copy);
            if (!copy.ToArray().AsSpan().SequenceEqual(octets))
            {
                failures.Add(file + ": BODY[] differs");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count}/{uids.Count} failed:\n" + string.Join('\n', failures));
    }

    [Fact]
    public async Task FullSession_SelectFetchStoreMoveExpunge_Works()
    {
        using var client = await ConnectAsync(MailHostFixture.Alice);
        var name = "Session" + Guid.NewGuid().ToString("N")[..6];
        var personal = client.GetFolder(client.PersonalNamespaces[0]);
        var folder = (await personal.CreateAsync(name, true))!;
        var first = await folder.AppendAsync(MimeMessage.Load(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(ImapTestMessages.Multipart))));
        var second = await folder.AppendAsync(MimeMessage.Load(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(ImapTestMessages.Simple("second")))));
        Assert.NotNull(first);
        Assert.NotNull(second);

        await folder.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(2, folder.Count);
        var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.BodyStructure | MessageSummaryItems.Flags | MessageSummaryItems.Envelope);
        Assert.Equal("multi", summaries[0].Envelope!.Subject);
        var attachment = summaries[0].Attachments.Single();
        Assert.Equal("x.bin", attachment.FileName);
        var part = (MimePart)await folder!.GetBodyPartAsync(summaries[0].UniqueId, attachment);
        using (var decoded = new MemoryStream())
        {
            await part.Content!.DecodeToAsync(decoded);
            Assert.Equal(new byte[] { 0, 1, 2 }, decoded.ToArray());
        }

        await folder.AddFlagsAsync(summaries[1].UniqueId, MessageFlags.Flagged, true);
        var flagged = await folder.SearchAsync(SearchQuery.Flagged);
        Assert.Equal([summaries[1].UniqueId], flagged);
        var bySubject = await folder.SearchAsync(SearchQuery.SubjectContains("SECOND"));
        Assert.Equal([summaries[1].UniqueId], bySubject);
        var byBody = await folder.SearchAsync(SearchQuery.BodyContains("inner body"));
        Assert.Equal([summaries[0].UniqueId], byBody);

        var trash = client.GetFolder(SpecialFolder.Trash);
        Assert.NotNull(trash);
        var moved = await folder.MoveToAsync(summaries[0].UniqueId, trash);
        Assert.NotNull(moved);
        Assert.Equal(1, folder.Count);

        await folder.AddFlagsAsync(0, MessageFlags.Deleted, true);
        await folder.ExpungeAsync();
        Assert.Equal(0, folder.Count);
        await folder.CloseAsync();
        await client.DisconnectAsync(true);
    }
}
