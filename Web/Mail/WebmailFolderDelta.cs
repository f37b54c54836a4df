namespace Mail.Web.Webmail;

/// <summary>
/// What changed in a watched folder since the last delta: computed incrementally, never by listing the folder.
/// </summary>
/// <param name="Folder">The folder.</param>
/// <param name="Added">UIDs of new messages (from NOTIFY MessageNew FETCHes, RFC 5465 §5.2, or UID SEARCH UID uidnext:*, RFC 9051 §6.4.4), ascending.</param>
/// <param name="Vanished">UIDs of expunged messages (VANISHED, RFC 7162 §3.2.10).</param>
/// <param name="Changed">UIDs whose flags changed (the UID of each unsolicited FETCH, RFC 7162 §3.2.4, or UID FETCH 1:* (FLAGS) (CHANGEDSINCE m), §3.1.4.1).</param>
/// <param name="Resync">True when the delta could not be computed exactly (reconnected, UIDVALIDITY changed, no QRESYNC): rebuild the list.</param>
/// <param name="HighestModSeq">The folder's HIGHESTMODSEQ after the change (RFC 7162 §3.1.2); 0 without CONDSTORE.</param>
/// <param name="Baseline">
/// True for the first message to a subscriber: no change, only the state the watcher starts from. A list built
/// from an older HIGHESTMODSEQ (or without one) missed something between its own read and the watcher's SELECT.
/// </param>
public sealed record WebmailFolderDelta(
    string Folder, IReadOnlyList<uint> Added, IReadOnlyList<uint> Vanished, IReadOnlyList<uint> Changed, bool Resync,
    ulong HighestModSeq = 0, bool Baseline = false)
{
    /// <summary>True when nothing changed and there is no baseline to compare.</summary>
    public bool IsEmpty => !Resync && !Baseline && Added.Count == 0 && Vanished.Count == 0 && Changed.Count == 0;
}
