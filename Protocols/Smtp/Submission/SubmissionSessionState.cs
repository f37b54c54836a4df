using System.Text;

namespace Mail.Protocols.Smtp.Submission;

/// <summary>
/// DSN parameters of the current transaction (RFC 3461 §4): the hook parses NOTIFY and ORCPT from each RCPT line
/// (SmtpServer accepts but drops them), the mailbox filter pairs them with the recipient it accepts.
/// </summary>
internal sealed class SubmissionSessionState
{
    /// <summary>NOTIFY of the RCPT being processed (upper case, e.g. <c>FAILURE,DELAY</c>), or null.</summary>
    public string? PendingNotify { get; set; }

    /// <summary>ORCPT of the RCPT being processed (<c>rfc822;addr</c>, xtext decoded), or null.</summary>
    public string? PendingOrcpt { get; set; }

    /// <summary>Per accepted recipient, in RCPT order: its NOTIFY and ORCPT.</summary>
    public List<(string? Notify, string? Orcpt)> Recipients { get; } = [];

    public static SubmissionSessionState Of(SmtpInConnection connection) =>
        connection.ListenerState as SubmissionSessionState ?? (SubmissionSessionState)(connection.ListenerState = new SubmissionSessionState());

    /// <summary>
    /// Reads NOTIFY and ORCPT from an RCPT line; false when NOTIFY is malformed (NEVER combined with others, or an
    /// unknown value: RFC 3461 §4.1).
    /// </summary>
    public bool TryParseRcpt(byte[] line)
    {
        PendingNotify = null;
        PendingOrcpt = null;
        var text = Encoding.UTF8.GetString(line).TrimEnd('\r', '\n');
        var close = text.IndexOf('>', StringComparison.Ordinal);
        foreach (var parameter in (close < 0 ? "" : text[(close + 1)..]).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? parameter : parameter[..eq];
            var value = eq < 0 ? "" : parameter[(eq + 1)..];
            if (key.Equals("NOTIFY", StringComparison.OrdinalIgnoreCase))
            {
                var values = value.ToUpperInvariant().Split(',');
                if (values.Any(v => v is not ("NEVER" or "SUCCESS" or "FAILURE" or "DELAY")) || (values.Contains("NEVER") && values.Length > 1))
                {
                    return false;
                }
                PendingNotify = string.Join(',', values);
            }
            else if (key.Equals("ORCPT", StringComparison.OrdinalIgnoreCase))
            {
                PendingOrcpt = DecodeXtext(value);
            }
        }
        return true;
    }

    /// <summary>True when the MAIL/RCPT <paramref name="line"/> carries the parameter <paramref name="name"/> after its path.</summary>
    public static bool HasMailParameter(byte[] line, string name)
    {
        var text = Encoding.UTF8.GetString(line).TrimEnd('\r', '\n');
        var close = text.IndexOf('>', StringComparison.Ordinal);
        return close >= 0 && text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(p => p.Split('=')[0].Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>RFC 3461 §4: xtext, <c>+XX</c> hex escapes.</summary>
    private static string DecodeXtext(string value)
    {
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '+' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                text.Append((char)Convert.ToInt32(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                text.Append(value[i]);
            }
        }
        return text.ToString();
    }
}
