using Mail.Web.Webmail;

namespace Mail.Web.Tests.Web.Webmail;

public class HtmlMailSanitizerTests
{
    [Fact]
    public void Script_IsRemovedWithItsText()
    {
        var result = HtmlMailSanitizer.Sanitize("<p>hello</p><script>var marker='JS';</script>");

        Assert.DoesNotContain("script", result.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("marker", result.Html, StringComparison.Ordinal);
        Assert.Contains("hello", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void EventHandlers_AreRemoved()
    {
        var result = HtmlMailSanitizer.Sanitize("<img src=\"data:image/png;base64,AAAA\" onerror=\"x()\"><body onload=\"y()\"><div onclick=\"z()\">t</div>");

        SanitizedHtmlAssert.IsSafe(result.Html);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData(" JaVaScRiPt:alert(1)")]
    [InlineData("java&#x09;script:alert(1)")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")]
    public void ActiveLinkTargets_AreRemoved(string href)
    {
        var result = HtmlMailSanitizer.Sanitize($"<a href=\"{href}\">click</a>");

        Assert.DoesNotContain("href", result.Html, StringComparison.Ordinal);
        Assert.Contains("click", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void WebLinks_AreKept_AndOpenInANewContextWithoutReferrer()
    {
        var result = HtmlMailSanitizer.Sanitize("<a href=\"https://example.org/x?a=1&amp;b=2\" target=\"_self\">site</a> <a href=\"mailto:bob@example.net\">bob</a>");

        Assert.Contains("href=\"https://example.org/x?a=1&amp;b=2\"", result.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:bob@example.net\"", result.Html, StringComparison.Ordinal);
        Assert.Contains("target=\"_blank\"", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("_self", result.Html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer\"", result.Html, StringComparison.Ordinal);
        Assert.False(result.RemoteContentBlocked);
    }

    [Theory]
    [InlineData("<img src=\"https://tracker.example/p.gif\">")]
    [InlineData("<img src=\"//tracker.example/p.gif\">")]
    [InlineData("<img src=\"p.gif\">")]
    [InlineData("<img srcset=\"https://tracker.example/a.png 1x, https://tracker.example/b.png 2x\">")]
    [InlineData("<table background=\"http://tracker.example/bg.png\"><tr><td>x</td></tr></table>")]
    [InlineData("<div style=\"background-image:url(http://tracker.example/bg.png)\">x</div>")]
    [InlineData("<div style=\"background:URL( 'https://tracker.example/bg.png' )\">x</div>")]
    [InlineData("<div style=\"background-image:u\\72l(http://tracker.example/bg.png)\">x</div>")]
    [InlineData("<div style=\"background-image:image-set('https://tracker.example/a.png' 1x)\">x</div>")]
    [InlineData("<style>body{background:url(https://tracker.example/bg.png)}</style><p>x</p>")]
    [InlineData("<style>@import url(https://tracker.example/s.css);</style><p>x</p>")]
    [InlineData("<style>@font-face{font-family:x;src:url(https://tracker.example/f.woff)}</style><p>x</p>")]
    [InlineData("<link rel=\"stylesheet\" href=\"https://tracker.example/s.css\"><p>x</p>")]
    [InlineData("<video poster=\"https://tracker.example/p.png\" src=\"https://tracker.example/v.mp4\"></video><p>x</p>")]
    public void RemoteResources_AreRemoved_AndReported(string html)
    {
        var result = HtmlMailSanitizer.Sanitize(html);

        Assert.DoesNotContain("tracker.example", result.Html, StringComparison.Ordinal);
        SanitizedHtmlAssert.IsSafe(result.Html);
        Assert.True(result.RemoteContentBlocked);
    }

    [Fact]
    public void CidImage_IsReplacedByTheResolvedDataUrl()
    {
        var result = HtmlMailSanitizer.Sanitize(
            "<img src=\"cid:logo@example.com\" alt=\"logo\">",
            cid => cid == "logo@example.com" ? "data:image/png;base64,iVBORw0KGgo=" : null);

        Assert.Contains("src=\"data:image/png;base64,iVBORw0KGgo=\"", result.Html, StringComparison.Ordinal);
        Assert.False(result.RemoteContentBlocked);
    }

    [Fact]
    public void CidImage_WithoutResolver_IsDropped()
    {
        var result = HtmlMailSanitizer.Sanitize("<img src=\"cid:missing@example.com\" alt=\"logo\">");

        Assert.DoesNotContain("cid:", result.Html, StringComparison.Ordinal);
        Assert.Contains("alt=\"logo\"", result.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data:image/png;base64,iVBORw0KGgo=", true)]
    [InlineData("data:image/gif;base64,R0lGODlhAQABAAAAACw=", true)]
    [InlineData("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", false)]
    [InlineData("data:text/html,<script>alert(1)</script>", false)]
    public void DataImages_OnlyRasterTypesAreKept(string src, bool kept)
    {
        var result = HtmlMailSanitizer.Sanitize($"<img src=\"{src}\">");

        Assert.Equal(kept, result.Html.Contains("src=", StringComparison.Ordinal));
    }

    [Fact]
    public void FormsFramesAndPlugins_AreRemoved_TextOfFormsIsKept()
    {
        var result = HtmlMailSanitizer.Sanitize(
            "<form action=\"https://phish.example/\"><p>Account text</p><input name=p type=password><button>Go</button></form>"
            + "<iframe src=\"https://x.example/\"></iframe><object data=\"x.swf\"></object><embed src=\"x.swf\">"
            + "<meta http-equiv=\"refresh\" content=\"0;url=https://x.example/\"><base href=\"https://x.example/\">"
            + "<svg><script>alert(1)</script></svg><math><mi>x</mi></math>");

        Assert.Contains("Account text", result.Html, StringComparison.Ordinal);
        foreach (var tag in new[] { "<form", "<input", "<button", "<iframe", "<object", "<embed", "<meta", "<base", "<svg", "<math", "phish.example", "x.example" })
        {
            Assert.DoesNotContain(tag, result.Html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void StyleElement_IsKeptAsSanitizedCss()
    {
        var result = HtmlMailSanitizer.Sanitize("<style>.note{color:red;behavior:url(x.htc);width:expression(alert(1))}</style><p class=\"note\">x</p>");

        Assert.Contains("<style>", result.Html, StringComparison.Ordinal);
        Assert.Contains("color: rgba(255, 0, 0, 1)", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("expression", result.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("behavior", result.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("class=\"note\"", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void DocumentWrapper_IsReducedToTheBody_TitleAndHeadDropped()
    {
        var result = HtmlMailSanitizer.Sanitize("<html><head><title>TITLE_TEXT</title><meta charset=\"utf-8\"></head><body bgcolor=\"#fff\"><p>BODY_TEXT</p></body></html>");

        Assert.Contains("BODY_TEXT", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("TITLE_TEXT", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", result.Html, StringComparison.OrdinalIgnoreCase);
    }
}

public class SanitizedHtmlAssertTests
{
    [Theory]
    [InlineData("<img src=\"http://x.example/a.png\">")]
    [InlineData("<p onclick=\"x()\">t</p>")]
    [InlineData("<a href=\"javascript:x()\">t</a>")]
    [InlineData("<script>x()</script>")]
    [InlineData("<div style=\"background:url(https://x.example/a.png)\">t</div>")]
    public void UnsafeMarkup_IsFlagged(string html) =>
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SanitizedHtmlAssert.IsSafe(html));
}
