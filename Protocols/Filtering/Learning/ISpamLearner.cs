namespace Mail.Protocols.Filtering.Learning;

/// <summary>
/// Trains a user's spam filters from a message the user classified: the built-in per-user Bayes
/// data (<see cref="BayesStore"/>) and, when <c>Mail:Filters:Spamd:Endpoint</c> is set and
/// <see cref="SpamdOptions.Learn"/> is on, SpamAssassin's Bayes through spamd <c>TELL</c>.
/// Callers: the IMAP hook (a message moved or copied into or out of the <c>\Junk</c> mailbox,
/// in the store) and the webmail's spam / not-spam buttons.
/// </summary>
/// <remarks>
/// Idempotent per message: a message is identified by the SHA-256 of its octets (moves keep them
/// unchanged), so learning it again as the same class changes nothing
/// (<see cref="LearnOutcome.AlreadyLearned"/>) and learning it as the other class first forgets
/// the earlier learning (<see cref="LearnOutcome.Relearned"/>), like SpamAssassin's
/// <c>bayes_seen</c>. A webmail that both moves the message over IMAP (which trains) and calls
/// this API therefore does not count it twice.
/// Only the first <see cref="BayesOptions.MaxMessageOctets"/> octets are tokenized.
/// </remarks>
public interface ISpamLearner
{
    /// <summary>Learns <paramref name="message"/> (raw RFC 5322 octets, read to its end) as <paramref name="kind"/> for <paramref name="account"/>.</summary>
    /// <param name="account">Canonical (lower-case) address of the account whose filters are trained.</param>
    /// <param name="message">The message octets as stored (read once; need not be seekable).</param>
    /// <param name="kind">Spam or ham.</param>
    /// <param name="cancellationToken">Cancels the learning (nothing is half-learned: one transaction).</param>
    /// <returns>What the Bayes data did, and whether spamd accepted the TELL (null when spamd is not used).</returns>
    /// <exception cref="ArgumentException"><paramref name="account"/> is not <c>local@domain</c>.</exception>
    /// <exception cref="IOException">The Bayes database cannot be written.</exception>
    Task<LearnResult> LearnAsync(string account, Stream message, SpamClass kind, CancellationToken cancellationToken);

    /// <summary>The training state of <paramref name="account"/>'s Bayes data (messages learned per class, distinct tokens).</summary>
    /// <exception cref="IOException">The Bayes database cannot be read.</exception>
    Task<BayesStatistics> GetStatisticsAsync(string account, CancellationToken cancellationToken);
}

/// <summary>The class a user gives a message.</summary>
public enum SpamClass
{
    /// <summary>Unwanted mail.</summary>
    Spam,

    /// <summary>Wanted mail ("not spam").</summary>
    Ham,
}

/// <summary>What learning one message did to the Bayes data.</summary>
public enum LearnOutcome
{
    /// <summary>First time this message was learned: its tokens were counted.</summary>
    Learned,

    /// <summary>It had been learned as the other class: that was forgotten, then it was learned as this class.</summary>
    Relearned,

    /// <summary>It had been learned as this class already: nothing changed.</summary>
    AlreadyLearned,
}

/// <summary>The result of <see cref="ISpamLearner.LearnAsync"/>.</summary>
/// <param name="Outcome">What the built-in Bayes data did.</param>
/// <param name="Tokens">Distinct tokens of the message (0 when <see cref="LearnOutcome.AlreadyLearned"/>).</param>
/// <param name="SpamdLearned">True when spamd answered <c>TELL</c> with <c>EX_OK</c>; false when it failed
/// (see <paramref name="SpamdError"/>; the Bayes learning still happened); null when spamd learning is off.</param>
/// <param name="SpamdError">Why the TELL failed (unreachable, <c>--allow-tell</c> missing, protocol error), or null.</param>
public sealed record LearnResult(LearnOutcome Outcome, int Tokens, bool? SpamdLearned, string? SpamdError);

/// <summary>Training state of one account's Bayes data.</summary>
/// <param name="SpamMessages">Messages learned as spam.</param>
/// <param name="HamMessages">Messages learned as ham.</param>
/// <param name="Tokens">Distinct tokens stored.</param>
/// <param name="Active">True when both counts reached <see cref="BayesOptions.MinSpamMessages"/> and <see cref="BayesOptions.MinHamMessages"/>, so the classifier scores mail.</param>
public sealed record BayesStatistics(long SpamMessages, long HamMessages, long Tokens, bool Active);
