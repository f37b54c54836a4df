namespace Mail.Protocols.Smtp.Outbound.Tls;

/// <summary>
/// A parsed MTA-STS policy (RFC 8461 §3.2): mode <c>enforce</c>, <c>testing</c> or <c>none</c>, the <c>mx</c>
/// patterns, <c>max_age</c> in seconds, with the TXT record's id it was fetched under and when it expires from the cache.
/// </summary>
internal sealed record MtaStsPolicy(string Mode, IReadOnlyList<string> Mx, long MaxAgeSeconds, string Id, DateTimeOffset Expires)
{
    /// <summary>Longest <c>max_age</c> accepted (RFC 8461 §3.2: 31557600 seconds, a year).</summary>
    public const long MaxMaxAge = 31557600;

    /// <summary>True in <c>enforce</c> mode: MX hosts must match and have valid TLS.</summary>
    public bool Enforce => Mode == "enforce";

    /// <summary>
    /// True when <paramref name="host"/> matches one of the <c>mx</c> patterns (RFC 8461 §4.1): equal, or
    /// <c>*.example.com</c> matching exactly one more label on the left; case-insensitive, trailing dots ignored.
    /// </summary>
    public bool Matches(string host)
    {
        host = host.TrimEnd('.');
        foreach (var pattern in Mx)
        {
            var p = pattern.TrimEnd('.');
            if (p.StartsWith("*.", StringComparison.Ordinal))
            {
                var dot = host.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && host[(dot + 1)..].Equals(p[2..], StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            else if (host.Equals(p, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Parses a policy body (<c>key: value</c> lines, CRLF or LF, RFC 8461 §3.2); null when the version is not
    /// <c>STSv1</c>, the mode is unknown, <c>max_age</c> is missing or out of range, or enforce/testing has no <c>mx</c>.
    /// </summary>
    public static MtaStsPolicy? Parse(string text, string id, DateTimeOffset now)
    {
        string? version = null, mode = null;
        long? maxAge = null;
        var mx = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "version":
                    version = value;
                    break;
                case "mode":
                    mode = value;
                    break;
                case "max_age" when long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var age):
                    maxAge = age;
                    break;
                case "mx":
                    mx.Add(value);
                    break;
                default:
                    break;
            }
        }
        if (version != "STSv1" || mode is not ("enforce" or "testing" or "none") || maxAge is null or < 0 or > MaxMaxAge || (mode != "none" && mx.Count == 0))
        {
            return null;
        }
        return new MtaStsPolicy(mode, mx, maxAge.Value, id, now.AddSeconds(maxAge.Value));
    }
}
