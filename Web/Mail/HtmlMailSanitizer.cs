using System.Text.RegularExpressions;
using AngleSharp.Css.Dom;
using AngleSharp.Dom;
using Ganss.Xss;

namespace Mail.Web.Webmail;

/// <summary>Result of <see cref="HtmlMailSanitizer.Sanitize"/>.</summary>
/// <param name="Html">Sanitized body markup (a fragment, no html/head/body elements).</param>
/// <param name="RemoteContentBlocked">True when a remote image, background, stylesheet or font was removed.</param>
public sealed record SanitizedHtml(string Html, bool RemoteContentBlocked);

/// <summary>
/// Sanitizes the HTML body of a mail for display in a sandboxed frame, with HtmlSanitizer (AngleSharp):
/// no scripts, no event handlers, no forms, no frames or plug-ins, no <c>javascript:</c> or other
/// active URL, and no remote resource (images, <c>srcset</c>, <c>background</c>, CSS <c>url()</c>,
/// <c>@import</c>, fonts) so opening a mail tells nobody it was read. Links keep http, https and mailto
/// targets and open in a new browsing context. <c>cid:</c> references (RFC 2392) are handed to a resolver
/// that returns a <c>data:</c> URL for the inline part, or null to drop it.
/// </summary>
public static partial class HtmlMailSanitizer
{
    /// <summary>Image types a <c>data:</c> URL may carry (raster only: an SVG document is not an image here).</summary>
    private static readonly string[] s_dataImageTypes = ["image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp", "image/bmp", "image/x-icon", "image/vnd.microsoft.icon"];

    private static readonly string[] s_tags =
    [
        "a", "abbr", "acronym", "address", "area", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br",
        "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "dir", "div", "dl", "dt",
        "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img",
        "ins", "kbd", "label", "li", "main", "map", "mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
        "section", "small", "span", "strike", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
    ];

    private static readonly string[] s_attributes =
    [
        "abbr", "align", "alt", "axis", "background", "bgcolor", "border", "cellpadding", "cellspacing", "char", "charoff",
        "cite", "class", "clear", "color", "cols", "colspan", "compact", "coords", "datetime", "dir", "face", "headers",
        "height", "href", "hreflang", "hspace", "id", "lang", "name", "nohref", "noshade", "nowrap", "open", "rel", "rev",
        "reversed", "rows", "rowspan", "rules", "scope", "shape", "size", "span", "src", "srcset", "start", "style",
        "summary", "title", "type", "usemap", "valign", "value", "vspace", "width",
    ];

    /// <summary>Elements removed with their content (their text would be noise or code, never mail text).</summary>
    private static readonly HashSet<string> s_dropWithContent = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "noscript", "template", "title", "head", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "textarea", "select", "option", "button", "audio", "video", "canvas", "xml", "meta", "link", "base",
    };

    /// <summary>Elements that load a resource by themselves; removing one that names a URL counts as blocking remote content.</summary>
    private static readonly HashSet<string> s_loaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "link", "iframe", "frame", "object", "embed", "applet", "audio", "video", "source", "input", "image", "picture", "track", "svg",
    };

    /// <summary>
    /// Any CSS value that could make the browser fetch something: <c>url()</c> to anything but a raster
    /// <c>data:</c> image or a <c>cid:</c> part, and the functions that take bare URL strings. HtmlSanitizer
    /// decodes CSS escapes and comments before matching and removes the whole declaration on a match.
    /// </summary>
    [GeneratedRegex(@"[<>]|\burl\s*\(\s*['""]?\s*(?!(?:data:image/(?:png|jpe?g|gif|webp|bmp|x-icon|vnd\.microsoft\.icon)[;,]|cid:))|image-set\s*\(|\bimage\s*\(|\bsrc\s*\(|element\s*\(|cross-fade\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DisallowedCssValue();

    [GeneratedRegex(@"url\s*\(|image-set|\bimage\s*\(|\bsrc\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CssFetch();

    /// <summary>Sanitizes <paramref name="html"/> (a whole document or a fragment).</summary>
    /// <param name="html">The text/html body as decoded by MimeKit.</param>
    /// <param name="resolveContentId">Maps a Content-ID (no brackets) to a <c>data:</c> URL, or null to drop the reference.</param>
    /// <param name="proxyRemoteImage">
    /// When the user allowed remote images: maps the absolute http(s) URL of an <c>img</c> to the proxy URL that
    /// fetches it (SSRF-guarded, <see cref="RemoteImageFetcher"/>); null (default) blocks remote images.
    /// CSS <c>url()</c> stays blocked either way.
    /// </param>
    public static SanitizedHtml Sanitize(string html, Func<string, string?>? resolveContentId = null, Func<string, string?>? proxyRemoteImage = null)
    {
        ArgumentNullException.ThrowIfNull(html);
        var sanitizer = new MailSanitizer(resolveContentId, proxyRemoteImage);
        var output = sanitizer.Sanitize(html);
        return new SanitizedHtml(output, sanitizer.RemoteContentBlocked);
    }

    /// <summary>True for the image types an inline part may be embedded as (raster only, no SVG).</summary>
    public static bool IsInlineImageType(string mimeType) => s_dataImageTypes.Contains(mimeType, StringComparer.OrdinalIgnoreCase);

    private static bool IsRasterDataUrl(string url) =>
        url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
        && s_dataImageTypes.Any(t => url.AsSpan(5).StartsWith(t, StringComparison.OrdinalIgnoreCase)
            && url.Length > 5 + t.Length && url[5 + t.Length] is ';' or ',');

    /// <summary>One sanitizing pass; holds the per-message state, so it is never shared between threads.</summary>
    private sealed class MailSanitizer : HtmlSanitizer
    {
        private readonly Func<string, string?>? _resolveContentId;
        private readonly Func<string, string?>? _proxyRemoteImage;

        public MailSanitizer(Func<string, string?>? resolveContentId, Func<string, string?>? proxyRemoteImage)
        {
            _resolveContentId = resolveContentId;
            _proxyRemoteImage = proxyRemoteImage;
            KeepChildNodes = true;
            AllowedTags.Clear();
            AllowedTags.UnionWith(s_tags);
            AllowedAttributes.Clear();
            AllowedAttributes.UnionWith(s_attributes);
            AllowedSchemes.Clear();
            AllowedSchemes.UnionWith(["http", "https", "mailto", "cid", "data"]);
            UriAttributes.UnionWith(["background", "cite", "longdesc", "usemap", "poster", "profile", "data", "codebase", "src", "href", "lowsrc", "dynsrc"]);
            UriListAttributes.UnionWith(["srcset", "ping", "archive"]);
            AllowedAtRules.Clear();
            AllowedAtRules.UnionWith([CssRuleType.Style, CssRuleType.Media]);
            AllowedClasses.Clear();
            DisallowCssPropertyValue = DisallowedCssValue();

            RemovingTag += OnRemovingTag;
            RemovingStyle += (_, e) => NoteCss(e.Style.Value);
            RemovingAtRule += (_, e) => NoteCss(e.Rule.CssText);
            PostProcessNode += OnPostProcessNode;
        }

        public bool RemoteContentBlocked { get; private set; }

        private void NoteCss(string? css)
        {
            if (css is not null && CssFetch().IsMatch(css))
            {
                RemoteContentBlocked = true;
            }
        }

        private void OnRemovingTag(object? sender, RemovingTagEventArgs e)
        {
            var tag = e.Tag;
            if (s_loaders.Contains(tag.LocalName)
                && (tag.HasAttribute("src") || tag.HasAttribute("href") || tag.HasAttribute("data") || tag.HasAttribute("srcset") || tag.HasAttribute("poster")))
            {
                RemoteContentBlocked = true;
            }
            if (s_dropWithContent.Contains(tag.LocalName) || tag.NamespaceUri is not null && tag.NamespaceUri != AngleSharp.Dom.NamespaceNames.HtmlUri)
            {
                e.Cancel = true;
                tag.Remove();
            }
        }

        private static void OnPostProcessNode(object? sender, PostProcessNodeEventArgs e)
        {
            if (e.Node is IElement element && element.LocalName is "a" or "area" && element.HasAttribute("href"))
            {
                element.SetAttribute("target", "_blank");
                element.SetAttribute("rel", "noopener noreferrer");
            }
        }

        /// <summary>
        /// Every URL the sanitizer keeps passes here (attributes, srcset entries, CSS url() that survived
        /// <see cref="DisallowedCssValue"/>). Only links may point outside the message; everything else
        /// must be a raster data: image or a cid: part.
        /// </summary>
        protected override string? SanitizeUrl(IElement element, string url, string baseUrl)
        {
            var value = url.Trim();
            var isLink = element.LocalName is "a" or "area";
            if (value.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
            {
                return isLink ? null : _resolveContentId?.Invoke(Uri.UnescapeDataString(value[4..]).Trim('<', '>'));
            }
            if (value.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                return !isLink && IsRasterDataUrl(value) ? base.SanitizeUrl(element, value, "") : null;
            }
            if (isLink)
            {
                if (value.StartsWith('#'))
                {
                    return value;
                }
                var sanitized = base.SanitizeUrl(element, value, "");
                return sanitized is not null && Uri.TryCreate(sanitized, UriKind.Absolute, out var uri)
                    && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeMailto)
                    ? sanitized
                    : null;
            }
            if (_proxyRemoteImage is not null && element.LocalName == "img"
                && Uri.TryCreate(value, UriKind.Absolute, out var remote) && (remote.Scheme == Uri.UriSchemeHttp || remote.Scheme == Uri.UriSchemeHttps)
                && _proxyRemoteImage(remote.AbsoluteUri) is { } proxied)
            {
                return proxied;
            }
            // A remote or relative resource: fetching it would tell the sender the mail was opened.
            if (value.Length > 0)
            {
                RemoteContentBlocked = true;
            }
            return null;
        }
    }
}
