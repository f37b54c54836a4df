namespace Mail.Protocols.Filtering.Block;

/// <summary>Which block-stage check refused or scored.</summary>
public enum BlockCheck
{
    /// <summary>HELO syntax.</summary>
    Helo,

    /// <summary>Envelope sender syntax.</summary>
    Sender,

    /// <summary>Connection rate per IP.</summary>
    ConnectionRate,

    /// <summary>Message rate per IP.</summary>
    MessageRate,

    /// <summary>Greylisting.</summary>
    Greylist,

    /// <summary>A DNS block list.</summary>
    Dnsbl,
}

/// <summary>A hit of a block-stage check.</summary>
/// <param name="Check">Which check.</param>
/// <param name="Action">Score, tempfail or reject.</param>
/// <param name="Score">Points when scored.</param>
/// <param name="Detail">The offending value or the list zone (safe for a reply: printable ASCII).</param>
public sealed record BlockDecision(BlockCheck Check, CheckAction Action, double Score, string Detail)
{
    /// <summary>As a scan result, so scored hits join the verdict (score, headers, verdict record).</summary>
    public ScanResult ToScanResult() =>
        new("block:" + Check.ToString().ToLowerInvariant(), ScanOutcome.Spam, Score, null, [Check.ToString().ToUpperInvariant() + ":" + FilterHeaders.Token(Detail)], Detail, TimeSpan.Zero);
}
