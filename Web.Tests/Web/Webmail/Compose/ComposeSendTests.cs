using System.Net;
using System.Text;
using MailKit;
using MailKit.Search;
using Mail.Web.Outbox;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Compose;

/// <summary>
/// The composer over HTTP against the real host (MariaDB platform DB, Submission with STARTTLS, IMAP): send with
/// attachments through the outbox, undo, schedule, drafts, replies and forwards, header injection, spoofed From.
/// </summary>
[Collection(ComposeHostCollection.Name)]
public sealed class ComposeSendTests(ComposeHostFixture host)
{
    private static string Unique(string what) => $"{what} {Guid.NewGuid():N}";

    [Fact]
    public async Task Send_WithAttachment_BobReceivesIt_SentCopyKeepsBcc_DraftIsRemoved()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var subject = Unique("Quarterly report");
        var html = await ComposeHostFixture.OpenComposerAsync(client);
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% test document\n");
        using var response = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = "Bob <" + MailHostFixture.Bob + ">",
            ["Bcc"] = "hidden@example.net",
            ["Subject"] = subject,
            ["Format"] = "text",
            ["Text"] = "Here is the report.\nRegards, Alice",
            ["Action"] = "send",
        }, [("report.pdf", "application/pdf", pdf)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("sent=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var received = await host.WaitForMessageAsync(MailHostFixture.Bob, "INBOX", subject);
        Assert.Equal(MailHostFixture.Alice, received.From.Mailboxes.Single().Address);
        Assert.Contains("Here is the report.", received.TextBody, StringComparison.Ordinal);
        var attachment = Assert.Single(received.Attachments.OfType<MimePart>());
        Assert.Equal("report.pdf", attachment.FileName);
        using (var decoded = new MemoryStream())
        {
            attachment.Content!.DecodeTo(decoded);
            Assert.Equal(pdf, decoded.ToArray());
        }
        Assert.Null(received.Headers[HeaderId.Bcc]);

        var sent = await host.WaitForMessageAsync(MailHostFixture.Alice, "Sent", subject);
        Assert.Equal("hidden@example.net", sent.Bcc.Mailboxes.Single().Address);
        await WaitUntilAsync(async () => (await host.FindMessagesAsync(MailHostFixture.Alice, "Drafts", subject)).Count == 0, "the draft is removed after sending");

        // Autocomplete: bob is now a recent recipient.
        var next = await ComposeHostFixture.OpenComposerAsync(client);
        Assert.Contains("bob@example.com", next[next.IndexOf("recipient-suggestions", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_HeaderInjectionInSubject_AddsNoHeader()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var marker = Guid.NewGuid().ToString("N");
        var subject = "Hello " + marker + "\r\nBcc: victim@example.org\r\nX-Injected: yes";
        var html = await ComposeHostFixture.OpenComposerAsync(client);
        using var response = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = subject,
            ["Format"] = "text",
            ["Text"] = "body",
            ["Action"] = "send",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var received = await host.WaitForMessageAsync(MailHostFixture.Bob, "INBOX", marker);
        Assert.Null(received.Headers["X-Injected"]);
        Assert.Null(received.Headers[HeaderId.Bcc]);
        Assert.Equal(MailHostFixture.Bob, received.To.Mailboxes.Single().Address);
        Assert.DoesNotContain('\n', received.Subject ?? "");
    }

    [Fact]
    public async Task Send_CrLfInRecipients_IsRefusedWithAnError()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var html = await ComposeHostFixture.OpenComposerAsync(client);
        using var response = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob + "\r\nBcc: victim@example.org",
            ["Subject"] = Unique("Injected recipients"),
            ["Text"] = "body",
            ["Action"] = "send",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-testid=\"compose-errors\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_FromAnAddressThatIsNotTheUsers_IsRefusedAndNothingIsSent()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var subject = Unique("Spoof");
        var html = await ComposeHostFixture.OpenComposerAsync(client);
        using var response = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Bob,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = subject,
            ["Text"] = "not from bob",
            ["Action"] = "send",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"compose-errors\"", page, StringComparison.Ordinal);
        var outbox = host.Services.GetRequiredService<WebmailOutbox>();
        Assert.DoesNotContain(await outbox.ListAsync(MailHostFixture.Alice, CancellationToken.None), i => i.Subject == subject);
    }

    [Fact]
    public async Task Undo_WithinTheWindow_NothingIsDelivered_AndTheDraftReopens()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var subject = Unique("Oops");
        var html = await ComposeHostFixture.OpenComposerAsync(client);
        using var sendResponse = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = subject,
            ["Text"] = "I did not mean to send this",
            ["Action"] = "send",
        });
        var listUrl = sendResponse.Headers.Location!.OriginalString;
        var notice = await client.GetStringAsync(listUrl.TrimStart('/'));
        var at = notice.IndexOf("outbox", StringComparison.Ordinal);
        Assert.True(notice.Contains("data-testid=\"outbox-undo\"", StringComparison.Ordinal), listUrl + "\n" + (at < 0 ? "no outbox" : notice[at..Math.Min(notice.Length, at + 600)]));
        var id = listUrl[(listUrl.IndexOf("sent=", StringComparison.Ordinal) + 5)..];
        var token = ComposeHostFixture.Hidden(notice, "__RequestVerificationToken");

        using var undo = await client.PostAsync("mail/outbox/recall", new FormUrlEncodedContent(
            [new("id", id), new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, undo.StatusCode);
        var composer = undo.Headers.Location!.OriginalString;
        Assert.Contains("mail/compose?draftFolder=", composer, StringComparison.Ordinal);
        var reopened = await client.GetStringAsync(composer.TrimStart('/'));
        Assert.Contains(subject, reopened, StringComparison.Ordinal);
        Assert.Contains("I did not mean to send this", reopened, StringComparison.Ordinal);

        // Well past the 5 s window and several outbox passes: still nothing at bob's.
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.Empty(await host.FindMessagesAsync(MailHostFixture.Bob, "INBOX", subject));
    }

    [Fact]
    public async Task Send_WithTheOutboxFull_IsRefused_AndTheDraftIsKept()
    {
        var user = $"full{Guid.NewGuid():N}"[..14] + "@" + MailHostFixture.Domain;
        Assert.Equal(Mail.Shared.Directory.DirectoryChangeResult.Done,
            await host.Services.GetRequiredService<Mail.Shared.Directory.IDirectoryAdmin>().AddUserAsync(user, MailHostFixture.Password, CancellationToken.None));
        var outbox = host.Services.GetRequiredService<WebmailOutbox>();
        var held = new MimeMessage();
        held.From.Add(new MailboxAddress("", user));
        held.Body = new TextPart("plain") { Text = "later" };
        for (var i = 0; i < WebmailOutbox.MaxHeldPerUser; i++)
        {
            await outbox.EnqueueAsync(new Mail.Web.Webmail.WebmailCredentials(user, MailHostFixture.Password), held, [new MailboxAddress("", MailHostFixture.Bob)],
                Mail.Shared.Platform.WebmailOutboxKind.Scheduled, DateTime.UtcNow.AddDays(30), null, null, CancellationToken.None);
        }
        using var client = await host.SignedInClientAsync(user);
        var subject = Unique("One too many");
        var html = await ComposeHostFixture.OpenComposerAsync(client);
        using var response = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = user,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = subject,
            ["Text"] = "x",
            ["Action"] = "send",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("messages can wait in the outbox", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(WebmailOutbox.MaxHeldPerUser, await outbox.CountAsync(user, CancellationToken.None));
        Assert.Single(await host.FindMessagesAsync(user, "Drafts", subject));
    }

    [Fact]
    public async Task Undo_WithoutAntiforgeryToken_IsRefused()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        using var response = await client.PostAsync("mail/outbox/recall", new FormUrlEncodedContent([new("id", "0123456789abcdef0123456789abcdef")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Schedule_IsHeldUntilDue_ListedInTheOutbox_ThenDelivered()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var subject = Unique("Later");
        var due = DateTime.UtcNow.AddSeconds(10);
        var html = await ComposeHostFixture.OpenComposerAsync(client);
        using var response = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = subject,
            ["Text"] = "scheduled",
            ["Action"] = "schedule",
            ["ScheduleAt"] = due.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            ["TimezoneOffset"] = "0",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var outboxPage = await client.GetStringAsync("mail/outbox");
        Assert.Contains(subject, outboxPage, StringComparison.Ordinal);
        Assert.Empty(await host.FindMessagesAsync(MailHostFixture.Bob, "INBOX", subject));

        var received = await host.WaitForMessageAsync(MailHostFixture.Bob, "INBOX", subject);
        Assert.True(DateTime.UtcNow >= due.AddSeconds(-1), "delivered before its time");
        Assert.Equal("scheduled", received.TextBody!.Trim());
    }

    [Fact]
    public async Task Schedule_InThePast_IsRefusedWithAMessage()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var html = await ComposeHostFixture.OpenComposerAsync(client);
        using var response = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = Unique("Past"),
            ["Text"] = "x",
            ["Action"] = "schedule",
            ["ScheduleAt"] = "2001-01-01T10:00",
            ["TimezoneOffset"] = "0",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("in the past", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveDraft_OverTheSizeLimit_ListsNoAttachmentTheNextPostWouldDrop()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var subject = Unique("Big");
        var fields = new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = subject,
            ["Text"] = "see the file",
            ["Action"] = "save",
        };
        // A first save makes a draft without attachments, as the composer's autosave does.
        using var first = await ComposeHostFixture.PostComposerAsync(client, await ComposeHostFixture.OpenComposerAsync(client), fields);
        var afterFirst = await first.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"draft-saved\"", afterFirst, StringComparison.Ordinal);

        // 20 MiB is under the 25 MiB limit as a file but about 27 MiB once base64-encoded in the message.
        var big = new byte[20 * 1024 * 1024];
        Random.Shared.NextBytes(big);
        using var second = await ComposeHostFixture.PostComposerAsync(client, afterFirst, fields, [("big.bin", "application/octet-stream", big)]);
        var afterSecond = await second.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("the limit is 25 MB. The files just added were not kept.", afterSecond, StringComparison.Ordinal);
        Assert.Empty(ComposeHostFixture.KeepValues(afterSecond));
    }

    [Fact]
    public async Task SaveDraft_Twice_LeavesOneDraft_WithTheAttachmentKept()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var subject = Unique("Draft");
        var html = await ComposeHostFixture.OpenComposerAsync(client);
        using var first = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = subject,
            ["Text"] = "first version",
            ["Action"] = "save",
        }, [("notes.txt", "text/plain", "notes"u8.ToArray())]);
        var afterFirst = await first.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"draft-saved\"", afterFirst, StringComparison.Ordinal);
        Assert.Equal(["d0"], ComposeHostFixture.KeepValues(afterFirst));

        using var second = await ComposeHostFixture.PostComposerAsync(client, afterFirst, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = subject,
            ["Text"] = "second version",
            ["Action"] = "save",
        });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var drafts = await host.FindMessagesAsync(MailHostFixture.Alice, "Drafts", subject);
        var draft = Assert.Single(drafts);
        Assert.Contains("second version", draft.TextBody, StringComparison.Ordinal);
        Assert.Equal("notes.txt", Assert.Single(draft.Attachments.OfType<MimePart>()).FileName);
    }

    [Fact]
    public async Task Reply_SetsInReplyToReferencesAndSubject_AndMarksTheOriginalAnswered()
    {
        var subject = Unique("Question");
        var original = new MimeMessage();
        original.From.Add(new MailboxAddress("Bob", MailHostFixture.Bob));
        original.To.Add(new MailboxAddress("Alice", MailHostFixture.Alice));
        original.Cc.Add(new MailboxAddress("Carol", "carol@example.org"));
        original.Subject = subject;
        original.MessageId = "q-" + Guid.NewGuid().ToString("N") + "@example.com";
        original.References.Add("root@example.com");
        original.Body = new TextPart("plain") { Text = "Can you check this?" };
        uint uid;
        using (var imap = await host.ImapAsync(MailHostFixture.Alice))
        {
            uid = (await imap.Inbox.AppendAsync(original, MessageFlags.None))!.Value.Id;
        }

        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var html = await ComposeHostFixture.OpenComposerAsync(client, $"mail/compose?mode=replyall&folder=INBOX&uid={uid}");
        Assert.Contains("Re: " + subject, html, StringComparison.Ordinal);
        Assert.Contains("carol@example.org", html, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"" + MailHostFixture.Alice, html.Replace("name=\"From\"", "", StringComparison.Ordinal)
            [html.IndexOf("name=\"To\"", StringComparison.Ordinal)..], StringComparison.Ordinal);
        using var response = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Cc"] = "",
            ["Subject"] = "Re: " + subject,
            ["Format"] = "text",
            ["Text"] = "Checked.\n\n> Can you check this?",
            ["Action"] = "send",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var reply = await host.WaitForMessageAsync(MailHostFixture.Bob, "INBOX", "Re: " + subject);
        Assert.Equal(original.MessageId, reply.InReplyTo);
        Assert.Equal(["root@example.com", original.MessageId], reply.References.ToArray());
        await WaitUntilAsync(async () =>
        {
            using var imap = await host.ImapAsync(MailHostFixture.Alice);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var flags = await imap.Inbox.FetchAsync([new UniqueId(uid)], MessageSummaryItems.Flags);
            return flags.Single().Flags!.Value.HasFlag(MessageFlags.Answered);
        }, "the original is marked \\Answered");
    }

    [Fact]
    public async Task Forward_KeepsTheOriginalsAttachments_AndForwardAsAttachment_AttachesTheMessage()
    {
        var subject = Unique("Photos");
        var original = new MimeMessage();
        original.From.Add(new MailboxAddress("Bob", MailHostFixture.Bob));
        original.To.Add(new MailboxAddress("Alice", MailHostFixture.Alice));
        original.Subject = subject;
        var builder = new BodyBuilder { TextBody = "See attached." };
        builder.Attachments.Add("photo.png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], new ContentType("image", "png"));
        original.Body = builder.ToMessageBody();
        uint uid;
        using (var imap = await host.ImapAsync(MailHostFixture.Alice))
        {
            uid = (await imap.Inbox.AppendAsync(original, MessageFlags.Seen))!.Value.Id;
        }
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);

        var inline = await ComposeHostFixture.OpenComposerAsync(client, $"mail/compose?mode=forward&folder=INBOX&uid={uid}");
        Assert.Equal(["s0"], ComposeHostFixture.KeepValues(inline));
        using (var response = await ComposeHostFixture.PostComposerAsync(client, inline, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = "Fwd: " + subject,
            ["Format"] = "text",
            ["Text"] = "FYI",
            ["Action"] = "send",
        }))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
        var forwarded = await host.WaitForMessageAsync(MailHostFixture.Bob, "INBOX", "Fwd: " + subject);
        Assert.Equal("photo.png", Assert.Single(forwarded.Attachments.OfType<MimePart>()).FileName);

        var asAttachment = await ComposeHostFixture.OpenComposerAsync(client, $"mail/compose?mode=forwardattach&folder=INBOX&uid={uid}");
        Assert.Equal(["o"], ComposeHostFixture.KeepValues(asAttachment));
        using (var response = await ComposeHostFixture.PostComposerAsync(client, asAttachment, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = "Attached: " + subject,
            ["Format"] = "text",
            ["Text"] = "original attached",
            ["Action"] = "send",
        }))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
        var withMessage = await host.WaitForMessageAsync(MailHostFixture.Bob, "INBOX", "Attached: " + subject);
        var part = Assert.Single(withMessage.Attachments.OfType<MessagePart>());
        Assert.Equal(subject, part.Message!.Subject);
    }

    [Fact]
    public async Task TwoOutboxSenders_RacingForOneMessage_DeliverItExactlyOnce()
    {
        using var client = await host.SignedInClientAsync(MailHostFixture.Alice);
        var subject = Unique("Once");
        var html = await ComposeHostFixture.OpenComposerAsync(client);
        using var response = await ComposeHostFixture.PostComposerAsync(client, html, new Dictionary<string, string>
        {
            ["From"] = MailHostFixture.Alice,
            ["To"] = MailHostFixture.Bob,
            ["Subject"] = subject,
            ["Text"] = "exactly once",
            ["Action"] = "send",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        // Two more senders (as two more web nodes would run) race the host's own for the due row.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var a = ActivatorUtilities.CreateInstance<WebmailOutboxSender>(host.Services);
        var b = ActivatorUtilities.CreateInstance<WebmailOutboxSender>(host.Services);
        await Task.WhenAll(a.RunPassAsync(CancellationToken.None), b.RunPassAsync(CancellationToken.None));

        await host.WaitForMessageAsync(MailHostFixture.Bob, "INBOX", subject);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(await host.FindMessagesAsync(MailHostFixture.Bob, "INBOX", subject));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + ComposeHostFixture.DeliveryTimeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting until " + what);
            }
            await Task.Delay(200);
        }
    }
}
