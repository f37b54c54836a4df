using Mail.Web.Webmail;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>The sanitizer on every HTML body of the shared corpus (html/: scripts, handlers, javascript: URLs, SVG, data: and cid: images, phishing links).</summary>
public class HtmlMailSanitizerCorpusTests
{
    public static TheoryData<string> HtmlCorpus() => [.. WebmailCorpus.HtmlFiles().Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(HtmlCorpus))]
    public void CorpusHtml_HasNoScriptHandlerActiveUrlOrRemoteResource(string fileName)
    {
        var message = MimeMessage.Load(WebmailCorpus.File(Path.Combine("html", fileName)));
        var parts = WebmailMessageParts.Of(message);
        var htmlParts = message.BodyParts.OfType<TextPart>().Where(p => p.IsHtml).ToList();
        Assert.True(htmlParts.Count > 0 || parts.TextBody is not null, "corpus message has a body");

        foreach (var part in htmlParts)
        {
            var result = HtmlMailSanitizer.Sanitize(part.Text ?? "", cid => parts.FindByContentId(cid) is null ? null : "data:image/png;base64,iVBORw0KGgo=");

            SanitizedHtmlAssert.IsSafe(result.Html);
            Assert.DoesNotContain("<script", result.Html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void JavascriptHandlerMessage_KeepsText_LosesEverySentinel()
    {
        var message = MimeMessage.Load(WebmailCorpus.File("html/sa__nice__handler_javascript.eml"));

        var result = HtmlMailSanitizer.Sanitize(message.HtmlBody ?? "");

        Assert.Contains("ORIGINAL_BODY_MARKER", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("JSSENTINEL", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("JSURI_SENTINEL", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("onErrorSentinel", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("SignedAdaptiveCard", result.Html, StringComparison.Ordinal);
        Assert.Contains("click", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void InlineCidImageMessage_EmbedsThePart()
    {
        var message = MimeMessage.Load(WebmailCorpus.File("html/mailparser__nodemailer.eml"));
        var parts = WebmailMessageParts.Of(message);
        Assert.NotNull(parts.HtmlBody);

        var resolved = new List<string>();
        var result = HtmlMailSanitizer.Sanitize(parts.HtmlBody.Text ?? "", cid =>
        {
            resolved.Add(cid);
            return parts.FindByContentId(cid) is null ? null : "data:image/png;base64,iVBORw0KGgo=";
        });

        Assert.NotEmpty(resolved);
        Assert.Contains("data:image/png;base64,iVBORw0KGgo=", result.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("html/rspamd__url3.eml")]
    [InlineData("html/rspamd__phishing1.eml")]
    public void LinkMessages_KeepWebLinksAsNewContextLinks(string file)
    {
        var message = MimeMessage.Load(WebmailCorpus.File(file));

        var result = HtmlMailSanitizer.Sanitize(message.HtmlBody ?? "");

        Assert.Contains("href=\"http", result.Html, StringComparison.Ordinal);
        Assert.Contains("target=\"_blank\"", result.Html, StringComparison.Ordinal);
        SanitizedHtmlAssert.IsSafe(result.Html);
    }
}
