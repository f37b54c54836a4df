namespace Mail.Protocols.Filtering;

/// <summary>What SMTP-in does with a scanned message (issue 5 "Verdicts"). No action ever generates a bounce.</summary>
public enum FilterAction
{
    /// <summary>Deliver to INBOX.</summary>
    Deliver,

    /// <summary>Deliver to each recipient's Junk mailbox (score at or above <see cref="FilterOptions.JunkScore"/>).</summary>
    Junk,

    /// <summary>Refuse at the end of DATA with <c>550 5.7.1</c> (score at or above <see cref="FilterOptions.RejectScore"/>).</summary>
    RejectSpam,

    /// <summary>Refuse at the end of DATA with <c>554 5.7.1</c> (a scanner found malware).</summary>
    RejectVirus,

    /// <summary>Refuse with <c>451 4.7.1</c>: a scanner failed and its policy is <see cref="FilterFailurePolicy.Tempfail"/>.</summary>
    Tempfail,

    /// <summary>Answer <c>250</c> and deliver nothing (a milter's discard).</summary>
    Discard,
}

/// <summary>The outcome of the scan stage for one message.</summary>
/// <param name="Action">What to do with the message.</param>
/// <param name="Score">The spam score used (sum of the scores: spamd plus scored block-stage hits), null when nothing scored it.</param>
/// <param name="Results">Every scanner's result, in <see cref="FilterOptions.Order"/>.</param>
/// <param name="Headers">Header fields to prepend when the message is delivered (each ending in CRLF):
/// <c>X-Spam-*</c> when a spam scanner ran, <c>X-Virus-Scanned</c>, <c>X-Mail-Scan</c> and
/// <c>Authentication-Results</c> (RFC 8601).</param>
/// <param name="Reason">Short reason for a refusal (virus name, score), safe for the SMTP reply; null when delivered.</param>
public sealed record FilterVerdict(FilterAction Action, double? Score, IReadOnlyList<ScanResult> Results, string Headers, string? Reason)
{
    /// <summary>The SMTP reply a scanner asked for (<c>550 5.7.1 text</c>, from a milter's SMFIR_REPLYCODE) for a refusal, or null for ours.</summary>
    public string? Reply { get; init; }

    /// <summary>Every scanner's <see cref="ScanResult.Edits"/>, in report order.</summary>
    public IReadOnlyList<MessageEdit> Edits => Results.SelectMany(r => r.Edits).ToList();

    /// <summary>True when the message is to be stored (INBOX or Junk).</summary>
    public bool Delivers => Action is FilterAction.Deliver or FilterAction.Junk;
}
