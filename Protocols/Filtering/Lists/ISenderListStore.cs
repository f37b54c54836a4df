namespace Mail.Protocols.Filtering.Lists;

/// <summary>
/// Per-user and per-domain sender allow and block lists, consulted by SMTP-in before the spam
/// verdict (issue 5 "Learning"), written by users (webmail "always allow / block this sender") and
/// admins (<c>admin senders add|remove|list</c>). Implementation: <see cref="SqliteSenderListStore"/>.
/// </summary>
/// <remarks>
/// <para>Patterns (see <see cref="SenderPattern"/>): an address <c>bob@example.org</c> (exactly that
/// address, case-insensitive) or a domain <c>example.org</c> (also written <c>@example.org</c> or
/// <c>*@example.org</c>), which matches that domain and its subdomains. One entry per
/// (scope, owner, pattern): adding a pattern again with the other kind replaces it.</para>
/// <para>Precedence (<see cref="MatchAsync"/>): the recipient's own entries beat the entries of the
/// recipient's domain (a user's allow overrides the domain's block and the other way round);
/// within one list the most specific pattern wins (address, then the longest domain); when the
/// envelope sender and the From address match different entries of the same list, block wins.</para>
/// <para>Effect at delivery (<see cref="SenderListOptions"/>): a block sends the message to Junk
/// (or refuses it with <c>550 5.7.1</c> when <see cref="SenderListOptions.BlockAction"/> says
/// <c>Reject</c> and every recipient blocks it); an allow skips the spam verdict (scores and Bayes)
/// but never the virus scan, and is ignored when DMARC failed for the message (a forged From).</para>
/// </remarks>
public interface ISenderListStore
{
    /// <summary>Adds <paramref name="pattern"/> to <paramref name="owner"/>'s list as <paramref name="kind"/>, or changes its kind.</summary>
    /// <param name="scope">Whose list: a user's or a domain's.</param>
    /// <param name="owner">The account address (<see cref="SenderListScope.User"/>) or the domain name (<see cref="SenderListScope.Domain"/>).</param>
    /// <param name="pattern">An address or a domain (see the remarks).</param>
    /// <param name="kind">Allow or block.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see cref="SenderListChange.Added"/>, <see cref="SenderListChange.Updated"/> (kind changed),
    /// <see cref="SenderListChange.Unchanged"/>, or a refusal: <see cref="SenderListChange.InvalidOwner"/>,
    /// <see cref="SenderListChange.InvalidPattern"/>, <see cref="SenderListChange.LimitReached"/>
    /// (<see cref="SenderListOptions.MaxEntriesPerOwner"/>).</returns>
    /// <exception cref="IOException">The store cannot be written.</exception>
    Task<SenderListChange> AddAsync(SenderListScope scope, string owner, string pattern, SenderListKind kind, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="pattern"/> (either kind) from <paramref name="owner"/>'s list.</summary>
    /// <returns><see cref="SenderListChange.Removed"/>, <see cref="SenderListChange.NotFound"/>, <see cref="SenderListChange.InvalidOwner"/> or <see cref="SenderListChange.InvalidPattern"/>.</returns>
    /// <exception cref="IOException">The store cannot be written.</exception>
    Task<SenderListChange> RemoveAsync(SenderListScope scope, string owner, string pattern, CancellationToken cancellationToken);

    /// <summary>The entries of <paramref name="owner"/>'s list, by pattern; empty for an unknown or invalid owner.</summary>
    /// <exception cref="IOException">The store cannot be read.</exception>
    Task<IReadOnlyList<SenderListEntry>> ListAsync(SenderListScope scope, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// The entry that decides for mail from <paramref name="senders"/> (envelope sender, From
    /// addresses; empty and invalid ones are ignored) to <paramref name="account"/>, by the
    /// precedence in the remarks; null when no list has an entry for them.
    /// </summary>
    /// <exception cref="IOException">The store cannot be read.</exception>
    Task<SenderListMatch?> MatchAsync(string account, IReadOnlyList<string> senders, CancellationToken cancellationToken);
}

/// <summary>Allow or block.</summary>
public enum SenderListKind
{
    /// <summary>Never junk mail from this sender (the virus scan still applies).</summary>
    Allow,

    /// <summary>Always junk (or refuse) mail from this sender.</summary>
    Block,
}

/// <summary>Whose list an entry is in.</summary>
public enum SenderListScope
{
    /// <summary>One account's list; the owner is the account address.</summary>
    User,

    /// <summary>A whole domain's list (every account of the domain); the owner is the domain name.</summary>
    Domain,
}

/// <summary>The result of a list change; the first three are successes.</summary>
public enum SenderListChange
{
    /// <summary>A new entry.</summary>
    Added,

    /// <summary>The pattern was there with the other kind; its kind changed.</summary>
    Updated,

    /// <summary>The pattern was there with this kind already.</summary>
    Unchanged,

    /// <summary>The entry was removed.</summary>
    Removed,

    /// <summary>No entry with that pattern.</summary>
    NotFound,

    /// <summary>The owner is not an address (user scope) or a domain (domain scope).</summary>
    InvalidOwner,

    /// <summary>The pattern is neither an address nor a domain.</summary>
    InvalidPattern,

    /// <summary>The owner's list already has <see cref="SenderListOptions.MaxEntriesPerOwner"/> entries.</summary>
    LimitReached,
}

/// <summary>One list entry.</summary>
/// <param name="Scope">User or domain list.</param>
/// <param name="Owner">Account address or domain name (lower case).</param>
/// <param name="Pattern">Normalized pattern: <c>local@domain</c> or <c>domain</c>, lower case, IDNs in A-labels.</param>
/// <param name="Kind">Allow or block.</param>
/// <param name="CreatedAt">When the entry was added or last changed.</param>
public sealed record SenderListEntry(SenderListScope Scope, string Owner, string Pattern, SenderListKind Kind, DateTimeOffset CreatedAt);

/// <summary>The entry that decided, and the sender address it matched.</summary>
/// <param name="Entry">The deciding entry.</param>
/// <param name="Sender">The (normalized) sender address that matched it.</param>
public sealed record SenderListMatch(SenderListEntry Entry, string Sender);
