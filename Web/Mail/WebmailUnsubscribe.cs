using MimeKit;

namespace Mail.Web.Webmail;

/// <summary>
/// What a message's <c>List-Unsubscribe</c> field (RFC 2369 §3.2) offers: a one-click HTTPS URI (RFC 8058, only when
/// <c>List-Unsubscribe-Post: List-Unsubscribe=One-Click</c> is present too), a <c>mailto:</c> URI (RFC 6068), and a web
/// page for a manual unsubscribe.
/// </summary>
/// <param name="OneClick">The http(s) URI the server POSTs <c>List-Unsubscribe=One-Click</c> to, or null.</param>
/// <param name="Mailto">The first <c>mailto:</c> URI, or null.</param>
/// <param name="Web">The first http(s) URI, for a link the user opens themselves, or null.</param>
public sealed record WebmailUnsubscribe(Uri? OneClick, WebmailUnsubscribeMail? Mailto, Uri? Web)
{
    /// <summary>Largest <c>List-Unsubscribe</c> value read, in characters.</summary>
    public const int MaxFieldChars = 4096;

    /// <summary>True when the message offers any way to unsubscribe.</summary>
    public bool Any => OneClick is not null || Mailto is not null || Web is not null;

    /// <summary>The unsubscribe offer of <paramref name="headers"/>, or null when there is no usable <c>List-Unsubscribe</c> field.</summary>
    /// <param name="headers">The message's header fields.</param>
    /// <param name="requireHttps">RFC 8058 §3.1: one-click needs an HTTPS URI; false lets http through (test networks only).</param>
    public static WebmailUnsubscribe? Of(HeaderList? headers, bool requireHttps = true)
    {
        var value = headers?[HeaderId.ListUnsubscribe];
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxFieldChars)
        {
            return null;
        }
        Uri? http = null;
        WebmailUnsubscribeMail? mail = null;
        foreach (var candidate in Uris(value))
        {
            if (candidate.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                mail ??= WebmailUnsubscribeMail.Parse(candidate);
            }
            else if (http is null && Uri.TryCreate(candidate, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(uri.UserInfo))
            {
                http = uri;
            }
        }
        var post = headers![HeaderId.ListUnsubscribePost]?.Trim();
        var oneClick = http is not null && string.Equals(post, "List-Unsubscribe=One-Click", StringComparison.Ordinal)
            && (http.Scheme == Uri.UriSchemeHttps || !requireHttps) ? http : null;
        var offer = new WebmailUnsubscribe(oneClick, mail, http);
        return offer.Any ? offer : null;
    }

    /// <summary>The <c>&lt;...&gt;</c>-enclosed URIs of a List-Unsubscribe value, in order (RFC 2369 §2: comments and whitespace ignored).</summary>
    private static IEnumerable<string> Uris(string value)
    {
        var at = 0;
        while ((at = value.IndexOf('<', at)) >= 0)
        {
            var end = value.IndexOf('>', at + 1);
            if (end < 0)
            {
                yield break;
            }
            var uri = string.Concat(value.AsSpan(at + 1, end - at - 1).ToString().Where(c => !char.IsWhiteSpace(c)));
            if (uri.Length > 0)
            {
                yield return uri;
            }
            at = end + 1;
        }
    }
}

/// <summary>A <c>mailto:</c> unsubscribe target (RFC 6068): the address, and the subject and body it asks for.</summary>
/// <param name="To">The recipient.</param>
/// <param name="Subject">The <c>subject</c> hfield, or <c>unsubscribe</c>.</param>
/// <param name="Body">The <c>body</c> hfield, or <c>unsubscribe</c>.</param>
public sealed record WebmailUnsubscribeMail(MailboxAddress To, string Subject, string Body)
{
    /// <summary>Longest subject or body taken from the URI, in characters.</summary>
    public const int MaxTextChars = 500;

    /// <summary>Parses <paramref name="uri"/>; null when it names no single valid address.</summary>
    public static WebmailUnsubscribeMail? Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var rest = uri[7..];
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        var address = Decode(query < 0 ? rest : rest[..query]);
        if (address.Contains(',', StringComparison.Ordinal) || !MailboxAddress.TryParse(address, out var to)
            || string.IsNullOrEmpty(to.Address) || !to.Address.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }
        string subject = "unsubscribe", body = "unsubscribe";
        if (query >= 0)
        {
            foreach (var pair in rest[(query + 1)..].Split('&'))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    continue;
                }
                var name = Decode(pair[..eq]);
                var text = Clean(Decode(pair[(eq + 1)..]));
                if (name.Equals("subject", StringComparison.OrdinalIgnoreCase) && text.Length > 0)
                {
                    subject = text;
                }
                else if (name.Equals("body", StringComparison.OrdinalIgnoreCase) && text.Length > 0)
                {
                    body = text;
                }
            }
        }
        return new WebmailUnsubscribeMail(new MailboxAddress("", to.Address), subject, body);
    }

    private static string Decode(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    /// <summary>Control characters (CR and LF included) become spaces; the header itself is built by MimeKit.</summary>
    private static string Clean(string text)
    {
        var cleaned = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return cleaned.Length > MaxTextChars ? cleaned[..MaxTextChars] : cleaned;
    }
}
