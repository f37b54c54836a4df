using System.Text.RegularExpressions;

namespace Mail.Protocols.Smtp.Wire;

/// <summary>
/// Normalizes the reply lines SmtpServer 11.1.0 writes so the dialogue keeps the promises of
/// ENHANCEDSTATUSCODES (RFC 2034 §3: every 2xx/4xx/5xx reply except the greeting and the
/// HELO/EHLO reply carries an RFC 3463 code) and RFC 5321 reply codes:
/// <list type="bullet">
/// <item>adds the default enhanced code for the reply and the command it answers when the text has none;</item>
/// <item>drops SmtpServer's <c>", N retry(ies) remaining."</c> suffix on errors;</item>
/// <item>SmtpServer's state-machine refusal <c>501 expected ...</c> becomes <c>503 5.5.1</c> (RFC 5321 §4.3.2, bad sequence);</item>
/// <item>its <c>502 Unrecognized command</c> becomes <c>500 5.5.2</c> (RFC 5321 §4.2.4);</item>
/// <item>its <c>221</c> on a cancelled or timed-out session becomes <c>421 4.4.2</c>.</item>
/// </list>
/// The texts matched are those of the pinned SmtpServer version; a test covers each.
/// </summary>
internal static partial class SmtpReplyRewriter
{
    [GeneratedRegex(@", \d+ retry\(ies\) remaining\.$", RegexOptions.CultureInvariant)]
    private static partial Regex RetrySuffix();

    [GeneratedRegex(@"^[245]\.\d{1,3}\.\d{1,3}( |$)", RegexOptions.CultureInvariant)]
    private static partial Regex EnhancedCode();

    /// <summary>Rewrites one reply line (without CRLF).</summary>
    /// <param name="line">The line as SmtpServer wrote it: three digits, <c>' '</c> or <c>'-'</c>, text.</param>
    /// <param name="command">The command the reply answers.</param>
    /// <param name="host">Host name for 421 replies.</param>
    public static string Rewrite(string line, SmtpInCommandKind command, string host)
    {
        if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out var code))
        {
            return line;
        }
        var separator = line.Length > 3 ? line[3] : ' ';
        var text = line.Length > 4 ? line[4..] : "";
        text = RetrySuffix().Replace(text, "");

        if (code == 501 && text.StartsWith("expected ", StringComparison.Ordinal))
        {
            code = 503;
            text = $"5.5.1 Error: bad sequence of commands ({text})";
        }
        else if (code == 502 && text == "Unrecognized command")
        {
            code = 500;
            text = "5.5.2 Error: command not recognized";
        }
        else if (code == 221 && command != SmtpInCommandKind.Quit)
        {
            code = 421;
            text = $"4.4.2 {host} Error: session ended ({text.TrimEnd('.')})";
        }

        var exempt = command == SmtpInCommandKind.Greeting
            || (command is SmtpInCommandKind.Helo or SmtpInCommandKind.Ehlo && code / 100 == 2);
        if (!exempt && code / 100 is 2 or 4 or 5 && !EnhancedCode().IsMatch(text))
        {
            var enhanced = DefaultEnhancedCode(code, command);
            text = text.Length == 0 ? enhanced : enhanced + " " + text;
        }
        return $"{code}{separator}{text}";
    }

    /// <summary>RFC 3463 code for a reply that has none (the choices Postfix makes for the same replies).</summary>
    private static string DefaultEnhancedCode(int code, SmtpInCommandKind command) => code switch
    {
        250 when command == SmtpInCommandKind.Mail => "2.1.0",
        250 when command == SmtpInCommandKind.Rcpt => "2.1.5",
        >= 200 and < 300 => "2.0.0",
        421 => "4.4.2",
        451 => "4.3.0",
        452 => "4.3.1",
        454 => "4.7.0",
        >= 400 and < 500 => "4.0.0",
        500 => "5.5.2",
        501 or 504 => "5.5.4",
        502 or 503 => "5.5.1",
        530 => "5.7.0",
        550 => "5.1.1",
        552 => "5.3.4",
        553 => "5.1.3",
        554 when command == SmtpInCommandKind.Data => "5.5.1",
        _ => "5.0.0",
    };
}
