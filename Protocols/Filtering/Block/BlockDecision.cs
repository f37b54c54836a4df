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

    /// <summary>SPF of the envelope sender.</summary>
    Spf,
}

/// <summary>A hit of a block-stage check.</summary>
/// <param name="Check">Which check.</param>
/// <param name="Action">Score, tempfail or reject; Off for a check that only reports (an SPF pass).</param>
/// <param name="Score">Points when scored.</param>
/// <param name="Detail">The offending value or the list zone (safe for a reply: printable ASCII).</param>
public sealed record BlockDecision(BlockCheck Check, CheckAction Action, double Score, string Detail)
{
    /// <summary>The RFC 8601 resinfo this check reports (<c>spf=pass smtp.mailfrom=...</c>), or null.</summary>
    public string? AuthenticationResult { get; init; }

    /// <summary>As a scan result, so hits join the verdict (score, headers, verdict record).</summary>
    public ScanResult ToScanResult()
    {
        var scored = Action == CheckAction.Score;
        return new("block:" + Check.ToString().ToLowerInvariant(), scored ? ScanOutcome.Spam : ScanOutcome.Clean, scored ? Score : null, null,
            scored ? [Check.ToString().ToUpperInvariant() + ":" + FilterHeaders.Token(Detail)] : [], Detail, TimeSpan.Zero)
        {
            AuthenticationResults = AuthenticationResult is null ? [] : [AuthenticationResult],
        };
    }
}
