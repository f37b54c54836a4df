namespace Mail.Protocols.Filtering.Clamd;

/// <summary>What clamd said about a stream.</summary>
public enum ClamdStatus
{
    /// <summary><c>stream: OK</c>.</summary>
    Clean,

    /// <summary><c>stream: NAME FOUND</c>.</summary>
    Found,

    /// <summary><c>... ERROR</c>, e.g. <c>INSTREAM size limit exceeded. ERROR</c>.</summary>
    Error,

    /// <summary>Anything else (an empty reply included).</summary>
    Unknown,
}

/// <summary>A parsed clamd INSTREAM reply line.</summary>
/// <param name="Status">Clean, found, error or unknown.</param>
/// <param name="Signature">The signature name when <see cref="ClamdStatus.Found"/>, else null.</param>
/// <param name="Line">The whole line (no NUL), at most 4096 characters.</param>
public sealed record ClamdReply(ClamdStatus Status, string? Signature, string Line)
{
    /// <summary>Parses <c>stream: OK</c>, <c>stream: Eicar-Signature FOUND</c>, <c>... ERROR</c>.</summary>
    public static ClamdReply Parse(string line)
    {
        if (line.EndsWith(" ERROR", StringComparison.Ordinal))
        {
            return new ClamdReply(ClamdStatus.Error, null, line);
        }
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0)
        {
            return new ClamdReply(ClamdStatus.Unknown, null, line);
        }
        var result = line[(colon + 2)..];
        if (result == "OK")
        {
            return new ClamdReply(ClamdStatus.Clean, null, line);
        }
        if (result.EndsWith(" FOUND", StringComparison.Ordinal) && result.Length > 6)
        {
            return new ClamdReply(ClamdStatus.Found, result[..^6], line);
        }
        return new ClamdReply(ClamdStatus.Unknown, null, line);
    }
}
