using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>A second IMAP client ("another mail program") for list, folder and push tests.</summary>
internal static class ListImap
{
    public static async Task<ImapClient> ConnectAsync(MailHostFixture host, string address)
    {
        var imap = new ImapClient();
        var endpoint = host.Endpoint(MailEndpoints.Imap);
        await imap.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(address, MailHostFixture.Password);
        return imap;
    }

    /// <summary>Creates <paramref name="name"/> (a fresh name per test) and fills it with <paramref name="count"/> messages in one MULTIAPPEND.</summary>
    public static async Task<IMailFolder> CreateFilledAsync(ImapClient imap, string name, int count, Func<int, MimeMessage>? make = null)
    {
        var root = imap.GetFolder(imap.PersonalNamespaces[0]);
        var folder = await root.CreateAsync(name, isMessageFolder: true) ?? throw new InvalidOperationException("CREATE returned no folder");
        var requests = Enumerable.Range(0, count)
            .Select(i => (IAppendRequest)new AppendRequest((make ?? Numbered)(i), MessageFlags.None, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i)))
            .ToList();
        for (var i = 0; i < requests.Count; i += 200)
        {
            await folder.AppendAsync(requests.Skip(i).Take(200).ToList());
        }
        return folder;
    }

    /// <summary>Message <paramref name="i"/>: subject "Bulk NNNNN", a sender that sorts the other way, a body that grows with i.</summary>
    public static MimeMessage Numbered(int i)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress($"Sender {9999 - i:D4}", $"s{9999 - i:D4}@example.org"));
        message.To.Add(MailboxAddress.Parse(MailHostFixture.Bob));
        message.Subject = $"Bulk {i:D5}";
        message.Date = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i);
        message.MessageId = $"bulk-{i}-{Guid.NewGuid():N}@example.org";
        message.Body = new TextPart("plain") { Text = $"Body of bulk message {i}.\r\n" + new string('x', i % 50) };
        return message;
    }
}
