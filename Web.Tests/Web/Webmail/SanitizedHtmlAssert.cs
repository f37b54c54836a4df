using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>Checks the safety invariants of sanitized mail HTML on the parsed DOM, as a browser would see it.</summary>
internal static partial class SanitizedHtmlAssert
{
    private static readonly string[] s_forbiddenElements =
    [
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button", "textarea", "select",
        "svg", "math", "link", "meta", "base", "video", "audio", "source", "picture", "noscript", "template",
    ];

    private static readonly string[] s_resourceAttributes = ["src", "srcset", "background", "poster", "lowsrc", "dynsrc", "data", "ping", "action", "formaction", "xlink:href"];

    [GeneratedRegex(@"url\s*\(\s*['""]?\s*(?!data:image/)", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteCssUrl();

    [GeneratedRegex(@"@import|image-set|expression\s*\(|javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex ActiveCss();

    /// <summary>No script, handler, active URL, form, frame or remote resource in <paramref name="html"/>.</summary>
    public static void IsSafe(string html)
    {
        var document = new HtmlParser().ParseDocument("<!DOCTYPE html><html><body>" + html);
        foreach (var element in document.All)
        {
            var name = element.LocalName;
            Assert.False(s_forbiddenElements.Contains(name), $"forbidden element <{name}> in output");
            foreach (var attribute in element.Attributes)
            {
                var attr = attribute.Name.ToLowerInvariant();
                var value = Regex.Replace(attribute.Value, @"[\s\x00-\x1f]", "").ToLowerInvariant();
                Assert.False(attr.StartsWith("on", StringComparison.Ordinal), $"event handler {attr} on <{name}>");
                Assert.False(value.Contains("javascript:", StringComparison.Ordinal) || value.Contains("vbscript:", StringComparison.Ordinal),
                    $"active URL in {attr} of <{name}>: {attribute.Value}");
                if (attr == "href")
                {
                    Assert.True(name is "a" or "area", $"href on <{name}>");
                    Assert.True(value.StartsWith("http://", StringComparison.Ordinal) || value.StartsWith("https://", StringComparison.Ordinal)
                        || value.StartsWith("mailto:", StringComparison.Ordinal) || value.StartsWith('#'),
                        $"link target not web/mailto: {attribute.Value}");
                }
                if (s_resourceAttributes.Contains(attr))
                {
                    Assert.True(value.StartsWith("data:image/", StringComparison.Ordinal) && !value.StartsWith("data:image/svg", StringComparison.Ordinal),
                        $"resource attribute {attr} of <{name}> is not an inline raster image: {Shorten(attribute.Value)}");
                }
                if (attr == "style")
                {
                    AssertCss(attribute.Value, $"style of <{name}>");
                }
            }
            if (name == "style")
            {
                AssertCss(element.TextContent, "<style> element");
            }
        }
    }

    private static void AssertCss(string css, string where)
    {
        Assert.False(RemoteCssUrl().IsMatch(css), $"remote url() in {where}: {Shorten(css)}");
        Assert.False(ActiveCss().IsMatch(css), $"@import, image-set, expression or javascript: in {where}: {Shorten(css)}");
    }

    private static string Shorten(string s) => s.Length > 200 ? s[..200] + "..." : s;
}
