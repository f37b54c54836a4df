using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Quarantine;

/// <summary>
/// Which recipient accounts keep a scanned message in the quarantine (<see cref="QuarantineOptions"/>): a virus
/// verdict when the account's domain quarantines viruses; a spam verdict (Junk or refused) whose score reached
/// the domain's <see cref="QuarantineDomainOptions.SpamScore"/>. Everything else follows the usual verdicts.
/// </summary>
public sealed class QuarantinePolicy
{
    /// <summary>The mailbox name verdict records give a quarantined copy (no IMAP mailbox is named so).</summary>
    public const string Mailbox = "#quarantine";

    private readonly QuarantineOptions _options;

    public QuarantinePolicy(IOptions<FilterOptions> options) => _options = options.Value.Quarantine;

    /// <summary>True when some domain has quarantine on (SMTP-in skips the per-account check otherwise).</summary>
    public bool Enabled => _options.Domains.Count > 0;

    /// <summary>Why <paramref name="account"/> keeps a message with <paramref name="verdict"/> in the quarantine, or null when it does not.</summary>
    public QuarantineReason? Decide(FilterVerdict verdict, string account)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (_options.For(account) is not { } domain)
        {
            return null;
        }
        if (verdict.Action == FilterAction.RejectVirus && domain.Viruses)
        {
            return QuarantineReason.Virus;
        }
        if (verdict.Action is FilterAction.Junk or FilterAction.RejectSpam && domain.SpamScore is { } threshold && verdict.Score >= threshold)
        {
            return QuarantineReason.Spam;
        }
        return null;
    }
}
