using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Text;

namespace Mail.Protocols.Filtering.Learning;

/// <summary>
/// Turns a message into the set of distinct tokens the Bayes data counts, with MimeKit: words of
/// the decoded text parts (HTML through MimeKit's <see cref="HtmlTokenizer"/>, link hosts as
/// <c>url:</c> tokens), the Subject's words, the From address, name and domain, Reply-To and
/// Message-ID domains, the mailer, the names of the header fields present, and the types and file
/// extensions of attachments.
/// </summary>
/// <remarks>
/// Words follow SpamBayes: lower-cased, split at white space, surrounding punctuation removed, 3 to
/// 12 characters kept as they are, longer ones become <c>skip:c N</c> (first character, length in
/// tens). The fields SMTP-in and the scanners add (<c>X-Spam-*</c>, <c>X-Mail-Scan</c>,
/// <c>X-Virus-Scanned</c>, <c>Authentication-Results</c>, <c>Received</c>, <c>Return-Path</c>) are
/// ignored, so a message tokenizes the same at the end of DATA and later in the Junk mailbox.
/// Bounded work: only the first <see cref="BayesOptions.MaxMessageOctets"/> octets,
/// <see cref="BayesOptions.MaxHeaderFields"/> fields, <see cref="BayesOptions.MaxParts"/> parts and
/// <see cref="BayesOptions.MaxTokensPerMessage"/> tokens.
/// </remarks>
public sealed class BayesTokenizer
{
    private const int MinWord = 3;
    private const int MaxWord = 12;

    private readonly BayesOptions _options;

    /// <summary>Creates a tokenizer with the limits of <paramref name="options"/>.</summary>
    public BayesTokenizer(BayesOptions options) => _options = options;

    /// <summary>The distinct tokens of the message in <paramref name="message"/> (already limited to <see cref="BayesOptions.MaxMessageOctets"/> by the caller or not).</summary>
    public IReadOnlySet<string> Tokenize(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var length = Math.Min(message.Length, _options.MaxMessageOctets);
        var tokens = new Bag(_options.MaxTokensPerMessage);
        MimeMessage parsed;
        using (var stream = new MemoryStream(message[..length].ToArray(), writable: false))
        {
            var parser = new MimeParser(ParserOptions.Default, stream, MimeFormat.Entity);
            parsed = parser.ParseMessage(cancellationToken);
        }
        Headers(parsed, tokens);
        var parts = 0;
        foreach (var entity in parsed.BodyParts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (++parts > _options.MaxParts || tokens.Full)
            {
                break;
            }
            Part(entity, tokens);
        }
        return tokens.Set;
    }

    private void Headers(MimeMessage message, Bag tokens)
    {
        var count = 0;
        foreach (var header in message.Headers)
        {
            if (++count > _options.MaxHeaderFields || tokens.Full)
            {
                break;
            }
            var name = header.Field.ToLowerInvariant();
            if (IsAddedHere(name))
            {
                continue;
            }
            tokens.Add("header:" + name);
        }
        foreach (var word in Words(message.Subject ?? ""))
        {
            tokens.Add("subject:" + word);
        }
        foreach (var mailbox in message.From.Mailboxes.Take(5))
        {
            tokens.Add("from:addr:" + mailbox.Address.ToLowerInvariant());
            tokens.Add("from:domain:" + mailbox.Domain.ToLowerInvariant());
            foreach (var word in Words(mailbox.Name ?? ""))
            {
                tokens.Add("from:name:" + word);
            }
        }
        foreach (var mailbox in message.ReplyTo.Mailboxes.Take(5))
        {
            tokens.Add("reply-to:domain:" + mailbox.Domain.ToLowerInvariant());
        }
        if (message.MessageId is { } id && id.LastIndexOf('@') is var at and >= 0)
        {
            tokens.Add("message-id:domain:" + id[(at + 1)..].ToLowerInvariant());
        }
        else
        {
            tokens.Add("message-id:none");
        }
        var mailer = message.Headers[HeaderId.XMailer] ?? message.Headers[HeaderId.UserAgent];
        if (!string.IsNullOrWhiteSpace(mailer))
        {
            var value = mailer.Trim().ToLowerInvariant();
            tokens.Add("mailer:" + (value.Length > 40 ? value[..40] : value));
        }
        tokens.Add("content-type:" + message.Body?.ContentType.MimeType.ToLowerInvariant());
    }

    private static void Part(MimeEntity entity, Bag tokens)
    {
        var type = entity.ContentType.MimeType.ToLowerInvariant();
        if (entity is MimePart { IsAttachment: true } attachment || entity is MimePart and not TextPart)
        {
            tokens.Add("attachment:type:" + type);
            var fileName = (entity as MimePart)?.FileName;
            if (!string.IsNullOrEmpty(fileName) && Path.GetExtension(fileName) is { Length: > 1 and <= 10 } ext)
            {
                tokens.Add("attachment:ext:" + ext[1..].ToLowerInvariant());
            }
            return;
        }
        if (entity is not TextPart text)
        {
            return;
        }
        tokens.Add("part:" + type);
        string content;
        try
        {
            content = text.Text ?? "";
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or DecoderFallbackException)
        {
            tokens.Add("part:undecodable");
            return;
        }
        if (text.IsHtml)
        {
            Html(content, tokens);
        }
        else
        {
            Text(content, tokens);
        }
    }

    private static void Html(string html, Bag tokens)
    {
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var text = new StringBuilder(Math.Min(html.Length, 64 * 1024));
        while (!tokens.Full && tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlDataToken data:
                    text.Append(data.Data).Append(' ');
                    break;
                case HtmlTagToken tag when !tag.IsEndTag:
                    var name = tag.Name.ToLowerInvariant();
                    if (name is "img" or "script" or "iframe" or "form" or "object" or "embed")
                    {
                        tokens.Add("html:" + name);
                    }
                    foreach (var attribute in tag.Attributes)
                    {
                        if (attribute.Id is HtmlAttributeId.Href or HtmlAttributeId.Src && attribute.Value is { } url)
                        {
                            Url(url, tokens);
                        }
                    }
                    break;
            }
        }
        Text(text.ToString(), tokens);
    }

    private static void Text(string text, Bag tokens)
    {
        foreach (var raw in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (tokens.Full)
            {
                return;
            }
            if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                || raw.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
            {
                Url(raw, tokens);
                continue;
            }
            if (Word(raw) is { } word)
            {
                tokens.Add(word);
            }
        }
    }

    private static void Url(string url, Bag tokens)
    {
        var text = url.Trim().Trim('<', '>', '"', '\'', '(', ')', '.', ',');
        if (text.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            text = "http://" + text;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            if (text.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                tokens.Add("url:mailto");
            }
            return;
        }
        tokens.Add("proto:" + uri.Scheme);
        var host = uri.IdnHost.ToLowerInvariant();
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            tokens.Add("url:ip");
            return;
        }
        // The host and each parent domain with two labels or more: url:www.example.com, url:example.com.
        var labels = host.Split('.');
        for (var i = 0; i + 1 < labels.Length && i < 4; i++)
        {
            tokens.Add("url:" + string.Join('.', labels[i..]));
        }
    }

    /// <summary>The words of a header value (Subject, display name), SpamBayes-style.</summary>
    private static IEnumerable<string> Words(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Word).OfType<string>();

    private static string? Word(string raw)
    {
        var word = raw.Trim(Punctuation).ToLowerInvariant();
        if (word.Length < MinWord)
        {
            return null;
        }
        if (word.Length > MaxWord)
        {
            return string.Create(CultureInfo.InvariantCulture, $"skip:{word[0]} {word.Length / 10 * 10}");
        }
        return word;
    }

    private static readonly char[] Punctuation = ".,;:!?\"'()[]{}<>*_-=+/\\|#~`".ToCharArray();

    /// <summary>Fields SMTP-in, the scanners or other trace steps add: their presence says nothing about the sender.</summary>
    private static bool IsAddedHere(string name) =>
        name.StartsWith("x-spam-", StringComparison.Ordinal)
        || name is "x-mail-scan" or "x-virus-scanned" or "authentication-results" or "received" or "return-path"
            or "delivered-to" or "x-original-to" or "arc-seal" or "arc-message-signature" or "arc-authentication-results";

    /// <summary>A set that stops growing at its limit.</summary>
    private sealed class Bag(int limit)
    {
        public HashSet<string> Set { get; } = new(StringComparer.Ordinal);

        public bool Full => Set.Count >= limit;

        public void Add(string token)
        {
            if (!Full)
            {
                Set.Add(token);
            }
        }
    }
}
