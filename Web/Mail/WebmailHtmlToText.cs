using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Mail.Web.Webmail;

/// <summary>
/// The plain text alternative of composed HTML (RFC 2046 §5.1.4 multipart/alternative): parsed with AngleSharp,
/// block elements become line breaks, list items start with "* ", blockquotes are quoted with "&gt; ", and links
/// whose text differs from their target are written <c>text &lt;url&gt;</c>.
/// </summary>
public static class WebmailHtmlToText
{
    private static readonly HashSet<string> s_blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr", "pre", "hr",
    };

    /// <summary>Converts an HTML fragment or document to text with <c>\n</c> line ends.</summary>
    public static string Convert(string html)
    {
        var document = new HtmlParser().ParseDocument(html ?? "");
        var builder = new StringBuilder();
        Walk(document.Body ?? (INode)document, builder);
        var lines = builder.ToString().Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd());
        var text = string.Join('\n', lines);
        while (text.Contains("\n\n\n", StringComparison.Ordinal))
        {
            text = text.Replace("\n\n\n", "\n\n", StringComparison.Ordinal);
        }
        return text.Trim('\n');
    }

    private static void Walk(INode node, StringBuilder output)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    output.Append(CollapseSpace(text.Data));
                    break;
                case IElement element:
                    WriteElement(element, output);
                    break;
            }
        }
    }

    private static void WriteElement(IElement element, StringBuilder output)
    {
        var name = element.LocalName;
        switch (name)
        {
            case "br":
                output.Append('\n');
                return;
            case "script" or "style" or "head" or "title":
                return;
            case "li":
                NewLine(output);
                output.Append("* ");
                Walk(element, output);
                NewLine(output);
                return;
            case "blockquote":
                var inner = new StringBuilder();
                Walk(element, inner);
                NewLine(output);
                foreach (var line in inner.ToString().Trim('\n').Split('\n'))
                {
                    output.Append(line.StartsWith('>') ? ">" : "> ").Append(line).Append('\n');
                }
                output.Append('\n');
                return;
            case "a":
                var before = output.Length;
                Walk(element, output);
                var label = output.ToString(before, output.Length - before).Trim();
                var href = element.GetAttribute("href");
                if (!string.IsNullOrEmpty(href) && !href.Equals(label, StringComparison.Ordinal)
                    && !href.Equals("mailto:" + label, StringComparison.OrdinalIgnoreCase))
                {
                    output.Append(" <").Append(href).Append('>');
                }
                return;
            case "td" or "th":
                Walk(element, output);
                output.Append('\t');
                return;
            case "pre":
                NewLine(output);
                output.Append(element.TextContent);
                NewLine(output);
                return;
        }
        var block = s_blocks.Contains(name);
        if (block)
        {
            NewLine(output);
        }
        Walk(element, output);
        if (block)
        {
            NewLine(output);
            if (name is "p" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6")
            {
                output.Append('\n');
            }
        }
    }

    private static void NewLine(StringBuilder output)
    {
        if (output.Length > 0 && output[^1] != '\n')
        {
            output.Append('\n');
        }
    }

    private static string CollapseSpace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (c is ' ' or '\t' or '\n' or '\r' or '\f')
            {
                if (!space)
                {
                    builder.Append(' ');
                }
                space = true;
            }
            else
            {
                builder.Append(c == '\u00a0' ? ' ' : c);
                space = false;
            }
        }
        return builder.ToString();
    }
}
