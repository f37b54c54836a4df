using System.Text;

namespace Mail.Protocols.Imap.Protocol;

/// <summary>
/// Mailbox names on the wire: modified UTF-7 (RFC 3501 §5.1.3) for IMAP4rev1 clients, UTF-8 once
/// IMAP4rev2 or UTF8=ACCEPT is enabled (RFC 9051 §5.1, RFC 6855 §3). The store keeps UTF-8 names
/// with <c>/</c> as the hierarchy separator; INBOX is case-insensitive.
/// </summary>
public static class ImapMailboxName
{
    /// <summary>The hierarchy delimiter.</summary>
    public const char Delimiter = '/';

    /// <summary>Store form of a name received from the client (decodes modified UTF-7 unless <paramref name="utf8"/>; canonicalizes INBOX).</summary>
    public static string FromWire(string name, bool utf8)
    {
        var decoded = utf8 || !name.Contains('&', StringComparison.Ordinal) ? name : TryDecodeUtf7(name, out var d) ? d : name;
        if (decoded.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            return "INBOX";
        }
        if (decoded.Length > 6 && decoded.StartsWith("INBOX/", StringComparison.OrdinalIgnoreCase))
        {
            return "INBOX" + decoded[5..];
        }
        return decoded;
    }

    /// <summary>Wire form of a store name.</summary>
    public static string ToWire(string name, bool utf8) => utf8 ? name : EncodeUtf7(name);

    /// <summary>Encodes a name in modified UTF-7.</summary>
    public static string EncodeUtf7(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        var i = 0;
        while (i < name.Length)
        {
            var c = name[i];
            if (c == '&')
            {
                sb.Append("&-");
                i++;
            }
            else if (c is >= ' ' and <= '~')
            {
                sb.Append(c);
                i++;
            }
            else
            {
                var start = i;
                while (i < name.Length && name[i] is < ' ' or > '~')
                {
                    i++;
                }
                var bytes = Encoding.BigEndianUnicode.GetBytes(name[start..i]);
                var b64 = Convert.ToBase64String(bytes).TrimEnd('=').Replace('/', ',');
                sb.Append('&').Append(b64).Append('-');
            }
        }
        return sb.ToString();
    }

    /// <summary>Decodes modified UTF-7; false when the name is not valid modified UTF-7.</summary>
    public static bool TryDecodeUtf7(string name, out string decoded)
    {
        var sb = new StringBuilder(name.Length);
        var i = 0;
        decoded = name;
        while (i < name.Length)
        {
            var c = name[i];
            if (c != '&')
            {
                sb.Append(c);
                i++;
                continue;
            }
            var end = name.IndexOf('-', i + 1);
            if (end < 0)
            {
                return false;
            }
            if (end == i + 1)
            {
                sb.Append('&');
                i = end + 1;
                continue;
            }
            var b64 = name[(i + 1)..end].Replace(',', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(b64);
            }
            catch (FormatException)
            {
                return false;
            }
            if (bytes.Length % 2 != 0)
            {
                return false;
            }
            sb.Append(Encoding.BigEndianUnicode.GetString(bytes));
            i = end + 1;
        }
        decoded = sb.ToString();
        return true;
    }
}
