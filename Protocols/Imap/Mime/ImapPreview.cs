using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Mail.Protocols.Imap.Mime;

/// <summary>
/// The PREVIEW text (RFC 8970 §2): the first text/plain body (else the text of the HTML body without
/// tags), whitespace collapsed, at most 256 characters; empty when the message has no text.
/// </summary>
public static partial class ImapPreview
{
    /// <summary>Longest preview, in characters (RFC 8970 §2).</summary>
    public const int MaxCharacters = 256;

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    public static string Create(ReadOnlyMemory<byte> content)
    {
        string? text;
        try
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            var message = MimeMessage.Load(stream);
            text = message.TextBody;
            if (string.IsNullOrWhiteSpace(text) && message.HtmlBody is { } html)
            {
                text = System.Net.WebUtility.HtmlDecode(Tag().Replace(html, " "));
            }
        }
        catch (FormatException)
        {
            return "";
        }
        var sb = new StringBuilder(MaxCharacters);
        var space = false;
        foreach (var c in text ?? "")
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = sb.Length > 0;
                continue;
            }
            if (space)
            {
                sb.Append(' ');
                space = false;
            }
            sb.Append(c);
            if (sb.Length >= MaxCharacters)
            {
                break;
            }
        }
        if (sb.Length > MaxCharacters || (sb.Length == MaxCharacters && char.IsHighSurrogate(sb[^1])))
        {
            sb.Length = char.IsHighSurrogate(sb[MaxCharacters - 1]) ? MaxCharacters - 1 : MaxCharacters;
        }
        return sb.ToString();
    }
}
