namespace Mail.Protocols.Filtering.Milter;

/// <summary>How a milter conversation ended.</summary>
internal enum MilterDecision
{
    /// <summary>SMFIR_CONTINUE at end of message, or SMFIR_ACCEPT at any step: deliver (with the edits).</summary>
    Accept,

    /// <summary>SMFIR_REJECT, or SMFIR_REPLYCODE with a 5xx code.</summary>
    Reject,

    /// <summary>SMFIR_TEMPFAIL, or SMFIR_REPLYCODE with a 4xx code.</summary>
    Tempfail,

    /// <summary>SMFIR_DISCARD: accept and drop.</summary>
    Discard,
}

/// <summary>The outcome of one milter conversation.</summary>
/// <param name="Decision">The milter's decision.</param>
/// <param name="Step">The protocol step that decided (<c>connect</c>, <c>helo</c>, <c>mail</c>, <c>rcpt</c>, <c>header</c>, <c>eoh</c>, <c>body</c>, <c>eom</c>).</param>
/// <param name="Reply">The SMTP reply the milter asked for (SMFIR_REPLYCODE: <c>550 5.7.1 text</c>), or null.</param>
/// <param name="Quarantine">The reason of SMFIR_QUARANTINE, or null.</param>
/// <param name="Edits">Header and body modifications sent at end of message.</param>
internal sealed record MilterVerdict(MilterDecision Decision, string Step, string? Reply, string? Quarantine, IReadOnlyList<MessageEdit> Edits);
