using System.Globalization;
using System.Text;

namespace Mail.Protocols.Filtering;

/// <summary>
/// The header fields the scan stage prepends to a delivered message, each ending in CRLF, folded
/// below 78 characters where they can grow:
/// <list type="bullet">
/// <item><c>X-Spam-Flag: YES|NO</c>, <c>X-Spam-Score: 7.3</c>, <c>X-Spam-Status: Yes, score=7.3 required=5.0 tests=A,B</c>
/// (SpamAssassin's forms; <c>required</c> is <see cref="FilterOptions.JunkScore"/>) when a scanner scored the message;</item>
/// <item><c>X-Virus-Scanned: clamd</c> when a virus scanner passed it;</item>
/// <item><c>X-Mail-Scan: id=QUEUEID; clamd=clean; spamd=spam (7.3)</c>: every scanner's outcome, the
/// skipped and failed ones included (so an unscanned delivery under <c>PassWithHeader</c> is visible),
/// and the key of the verdict record;</item>
/// <item><c>Authentication-Results: HOST; dkim=pass header.d=...; dmarc=pass header.from=...</c> from the
/// scanners' <see cref="ScanResult.AuthenticationResults"/>, or <c>HOST; none</c> (RFC 8601 §2.2) when no method ran.</item>
/// </list>
/// </summary>
internal static class FilterHeaders
{
    public static string Build(string host, string queueId, FilterAction action, double? score, double required, IReadOnlyList<ScanResult> results)
    {
        var text = new StringBuilder(256);
        if (score is { } s)
        {
            var spam = action is FilterAction.Junk or FilterAction.RejectSpam;
            text.Append("X-Spam-Flag: ").Append(spam ? "YES" : "NO").Append("\r\n");
            text.Append("X-Spam-Score: ").Append(Number(s)).Append("\r\n");
            var symbols = results.Where(r => r.Score is not null).SelectMany(r => r.Symbols).Select(Token).Where(t => t.Length > 0).Distinct().ToList();
            var status = new StringBuilder("X-Spam-Status: ");
            status.Append(spam ? "Yes" : "No").Append(", score=").Append(Number(s)).Append(" required=").Append(Number(required));
            status.Append(" tests=").Append(symbols.Count == 0 ? "none" : string.Join(',', symbols));
            text.Append(Fold(status.ToString())).Append("\r\n");
        }
        // Content scanners without scores are the virus scanners (auth and block results carry their own fields).
        var antivirus = results
            .Where(r => r.Outcome == ScanOutcome.Clean && r.Score is null && r.AuthenticationResults.Count == 0 && !r.Scanner.StartsWith("block:", StringComparison.Ordinal) && !r.Scanner.StartsWith("milter:", StringComparison.Ordinal) && r.Scanner != Attachments.AttachmentScanner.ScannerName)
            .Select(r => r.Scanner).ToList();
        if (antivirus.Count > 0)
        {
            text.Append("X-Virus-Scanned: ").Append(string.Join(", ", antivirus)).Append("\r\n");
        }
        var scan = new StringBuilder("X-Mail-Scan: id=").Append(queueId);
        foreach (var r in results)
        {
            scan.Append("; ").Append(r.Scanner).Append('=').Append(r.Outcome.ToString().ToLowerInvariant());
            if (r.Score is { } rs)
            {
                scan.Append(" (").Append(Number(rs)).Append(')');
            }
            else if (r.Outcome is ScanOutcome.Failed or ScanOutcome.Skipped && r.Detail is not null)
            {
                scan.Append(" (").Append(Comment(r.Detail)).Append(')');
            }
        }
        text.Append(Fold(scan.ToString())).Append("\r\n");
        var methods = results.SelectMany(r => r.AuthenticationResults).ToList();
        var authentication = new StringBuilder("Authentication-Results: ").Append(host).Append(';');
        authentication.Append(methods.Count == 0 ? " none" : " " + string.Join("; ", methods));
        text.Append(Fold(authentication.ToString())).Append("\r\n");
        return text.ToString();
    }

    /// <summary>Keeps only printable ASCII without separators that matter in headers (rule and virus names).</summary>
    public static string Token(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, 100));
        foreach (var c in value)
        {
            if (builder.Length == 100)
            {
                break;
            }
            if (c is > ' ' and < '\x7f' and not ',' and not ';' and not '(' and not ')' and not '"' and not '\\')
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>Text safe inside a header comment: printable ASCII, no parentheses or backslashes, at most 100 characters.</summary>
    public static string Comment(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, 100));
        foreach (var c in value)
        {
            if (builder.Length == 100)
            {
                break;
            }
            builder.Append(c is >= ' ' and < '\x7f' and not '(' and not ')' and not '\\' ? c : ' ');
        }
        return builder.ToString().Trim();
    }

    private static string Number(double value) => value.ToString("0.0##", CultureInfo.InvariantCulture);

    /// <summary>Folds at spaces or commas so that no line exceeds 78 characters where possible (RFC 5322 §2.2.3).</summary>
    private static string Fold(string field)
    {
        if (field.Length <= 78)
        {
            return field;
        }
        var result = new StringBuilder(field.Length + 16);
        var lineLength = 0;
        var start = 0;
        while (start < field.Length)
        {
            // Next break opportunity: after a comma, or before a space.
            var next = field.IndexOfAny([',', ' '], start + 1);
            var end = next < 0 ? field.Length : (field[next] == ',' ? next + 1 : next);
            var piece = field[start..end];
            if (lineLength > 0 && lineLength + piece.Length > 78)
            {
                result.Append("\r\n\t");
                piece = piece.TrimStart(' ');
                lineLength = 1;
            }
            result.Append(piece);
            lineLength += piece.Length;
            start = end;
        }
        return result.ToString();
    }
}
