using Mail.Web.Webmail;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Compose;

/// <summary>Unit tests of <see cref="WebmailMessageComposer"/> and <see cref="WebmailHtmlToText"/> (no servers).</summary>
public sealed class ComposerUnitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Build_CrLfInSubjectAndNames_NeverStartsAHeader()
    {
        var form = new WebmailComposeForm
        {
            From = "alice@example.com",
            To = "\"Bob\" <bob@example.com>",
            Subject = "Hi\r\nX-Evil: 2",
            Text = "body",
        };
        var result = WebmailMessageComposer.Build(form, "Alice\nX-Evil: 3", [], [new WebmailUpload("..\\..\\evil\r\nX-Evil: 4.txt", "text/plain", [1])], Now, requireRecipients: true);
        Assert.Empty(result.Errors);
        using var bytes = new MemoryStream();
        result.Message.WriteTo(bytes);
        var reparsed = MimeMessage.Load(new MemoryStream(bytes.ToArray()));
        Assert.Null(reparsed.Headers["X-Evil"]);
        Assert.DoesNotContain("\nX-Evil", System.Text.Encoding.UTF8.GetString(bytes.ToArray()), StringComparison.Ordinal);
        Assert.Equal("evil  X-Evil: 4.txt", reparsed.Attachments.Single().ContentDisposition!.FileName);
    }

    [Fact]
    public void Build_CrLfInARecipientField_IsAnError()
    {
        var result = WebmailMessageComposer.Build(
            new WebmailComposeForm { From = "alice@example.com", To = "\"Bob\r\nX-Evil: 1\" <bob@example.com>" }, "", [], [], Now, true);
        Assert.Contains(result.Errors, e => e.Contains("line breaks", StringComparison.Ordinal));
        Assert.Empty(result.Recipients);
    }

    [Fact]
    public void Build_InvalidRecipient_IsReported_AndNoRecipientWhenSendingIsAnError()
    {
        var bad = WebmailMessageComposer.Build(new WebmailComposeForm { From = "alice@example.com", To = "not an address" }, "", [], [], Now, true);
        Assert.NotEmpty(bad.Errors);
        var none = WebmailMessageComposer.Build(new WebmailComposeForm { From = "alice@example.com" }, "", [], [], Now, true);
        Assert.Contains(none.Errors, e => e.Contains("recipient", StringComparison.Ordinal));
        var draft = WebmailMessageComposer.Build(new WebmailComposeForm { From = "alice@example.com" }, "", [], [], Now, false);
        Assert.Empty(draft.Errors);
    }

    [Fact]
    public void Build_SemicolonSeparatedRecipients_AreParsed_AndDuplicatesCollapsedInTheEnvelope()
    {
        var result = WebmailMessageComposer.Build(
            new WebmailComposeForm { From = "alice@example.com", To = "bob@example.com; carol@example.org", Cc = "Bob <BOB@example.com>" },
            "", [], [], Now, true);
        Assert.Empty(result.Errors);
        Assert.Equal(["bob@example.com", "carol@example.org"], result.Recipients.Select(r => r.Address.ToLowerInvariant()));
    }

    [Fact]
    public void Build_RichText_IsSanitized_AndHasATextAlternative()
    {
        var form = new WebmailComposeForm
        {
            From = "alice@example.com",
            To = "bob@example.com",
            Format = "html",
            Html = "<p>Hello <b>Bob</b><img src=\"https://tracker.example/x.gif\"><script>alert(1)</script></p><ul><li>one</li></ul><a href=\"javascript:alert(2)\">x</a>",
        };
        var result = WebmailMessageComposer.Build(form, "", [], [], Now, true);
        var html = result.Message.HtmlBody;
        Assert.Contains("<b>Bob</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("tracker.example", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Hello Bob", result.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("* one", result.Message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Prefill_ReplyAll_LeavesTheUserOut_AndQuotes()
    {
        var original = new MimeMessage();
        original.From.Add(new MailboxAddress("Bob", "bob@example.com"));
        original.To.Add(new MailboxAddress("Alice", "alice@example.com"));
        original.To.Add(new MailboxAddress("Alias", "team@example.com"));
        original.Cc.Add(new MailboxAddress("Carol", "carol@example.org"));
        original.Subject = "Plan";
        original.MessageId = "m1@example.com";
        original.Body = new TextPart("plain") { Text = "line one\nline two" };
        var form = WebmailMessageComposer.Prefill(WebmailComposeMode.ReplyAll, original, "INBOX", 7, "alice@example.com",
            ["team@example.com"], richText: false, replyAbove: true);
        Assert.Equal("\"Bob\" <bob@example.com>", form.To);
        Assert.Equal("\"Carol\" <carol@example.org>", form.Cc);
        Assert.Equal("Re: Plan", form.Subject);
        Assert.Equal("<m1@example.com>", form.InReplyTo);
        Assert.Contains("> line one\n> line two", form.Text, StringComparison.Ordinal);
        Assert.StartsWith("\n\n", form.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Prefill_Forward_PrefixesFwdOnce()
    {
        var original = new MimeMessage { Subject = "Fwd: news" };
        original.From.Add(new MailboxAddress("", "bob@example.com"));
        original.Body = new TextPart("plain") { Text = "x" };
        var form = WebmailMessageComposer.Prefill(WebmailComposeMode.Forward, original, "INBOX", 1, "alice@example.com", [], false, true);
        Assert.Equal("Fwd: news", form.Subject);
        Assert.Contains("Forwarded message", form.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlToText_Blockquote_Links_AndLineBreaks()
    {
        var text = WebmailHtmlToText.Convert("<p>Hi<br>there</p><blockquote><p>quoted</p></blockquote><p><a href=\"https://example.com/x\">site</a></p>");
        Assert.Equal("Hi\nthere\n\n> quoted\n\nsite <https://example.com/x>", text);
    }
}
