using System.Net;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Web.Platform;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Compose;

/// <summary>
/// The whole host on MariaDB (platform DB, so the outbox is the multi-node one) with a 5 s undo window and a
/// 200 ms outbox poll, plus helpers to drive the composer over HTTP and to read mailboxes over IMAP (MailKit).
/// </summary>
public sealed partial class ComposeHostFixture() : MailHostFixture(new Dictionary<string, string?>
{
    ["Mail:Database:Provider"] = "MySql",
    ["ConnectionStrings:Platform"] = PlatformTestServices.FreshMySqlConnectionString(),
    ["Mail:Webmail:UndoSendSeconds"] = "5",
    ["Mail:Webmail:OutboxPollMilliseconds"] = "200",
})
{
    /// <summary>Longest wait for a message to arrive.</summary>
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A signed-in HTTP client for <paramref name="address"/>.</summary>
    public async Task<HttpClient> SignedInClientAsync(string address)
    {
        var client = WebmailHttp.CreateClient(this);
        await WebmailHttp.SignInAsync(client, address, Password);
        return client;
    }

    /// <summary>Opens the composer at <paramref name="path"/> and returns its HTML.</summary>
    public static async Task<string> OpenComposerAsync(HttpClient client, string path = "mail/compose")
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Posts the composer form: the hidden fields of <paramref name="html"/> (draft state, token), overridden by
    /// <paramref name="fields"/>, plus <paramref name="files"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> PostComposerAsync(
        HttpClient client, string html, IReadOnlyDictionary<string, string> fields, IReadOnlyList<(string Name, string Type, byte[] Content)>? files = null,
        IReadOnlyList<string>? keep = null)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in HiddenInput().Matches(html))
        {
            form[WebUtility.HtmlDecode(m.Groups[1].Value)] = WebUtility.HtmlDecode(m.Groups[2].Value);
        }
        form["_handler"] = "compose";
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in form)
        {
            content.Add(new StringContent(value), name);
        }
        foreach (var key in keep ?? KeepValues(html))
        {
            content.Add(new StringContent(key), "Keep");
        }
        foreach (var (name, type, bytes) in files ?? [])
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
            content.Add(file, "Files", name);
        }
        return await client.PostAsync("mail/compose", content);
    }

    /// <summary>The attachment keys the composer lists (all ticked by default).</summary>
    public static IReadOnlyList<string> KeepValues(string html) =>
        [.. KeepInput().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    /// <summary>The value of a hidden input of the composer page.</summary>
    public static string Hidden(string html, string name) =>
        HiddenInput().Matches(html).Where(m => WebUtility.HtmlDecode(m.Groups[1].Value) == name)
            .Select(m => WebUtility.HtmlDecode(m.Groups[2].Value)).FirstOrDefault() ?? "";

    /// <summary>An authenticated MailKit IMAP client for <paramref name="address"/>.</summary>
    public async Task<ImapClient> ImapAsync(string address)
    {
        var client = new ImapClient { Timeout = 30_000 };
        var endpoint = Endpoint(MailEndpoints.Imap);
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(address, Password);
        return client;
    }

    /// <summary>Waits until <paramref name="address"/>'s mailbox <paramref name="folder"/> holds a message with <paramref name="subject"/>; returns it.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(string address, string folder, string subject)
    {
        var deadline = DateTime.UtcNow + DeliveryTimeout;
        while (true)
        {
            var found = await FindMessagesAsync(address, folder, subject);
            if (found.Count > 0)
            {
                return found[0];
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"no message \"{subject}\" in {address}'s {folder} after {DeliveryTimeout.TotalSeconds} s");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Every message in <paramref name="folder"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<IReadOnlyList<MimeMessage>> FindMessagesAsync(string address, string folder, string subject)
    {
        using var imap = await ImapAsync(address);
        var mailbox = folder == "INBOX" ? imap.Inbox : await imap.GetFolderAsync(folder);
        await mailbox.OpenAsync(FolderAccess.ReadOnly);
        var uids = await mailbox.SearchAsync(SearchQuery.SubjectContains(subject));
        var result = new List<MimeMessage>();
        foreach (var uid in uids)
        {
            result.Add(await mailbox.GetMessageAsync(uid));
        }
        await imap.DisconnectAsync(true);
        return result;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("<input type=\"checkbox\" name=\"Keep\" value=\"([^\"]*)\"")]
    private static partial Regex KeepInput();
}

/// <summary>One <see cref="ComposeHostFixture"/> shared by the composer tests.</summary>
[CollectionDefinition(Name)]
public sealed class ComposeHostCollection : ICollectionFixture<ComposeHostFixture>
{
    public const string Name = "ComposeHost";
}
