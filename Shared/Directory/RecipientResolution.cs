namespace Mail.Shared.Directory;

/// <summary>What an envelope recipient resolves to.</summary>
public enum RecipientKind
{
    /// <summary>One or more local users receive the message, or it is forwarded (<see cref="RecipientResolution.Forwards"/>), or both.</summary>
    Local,
    /// <summary>The domain is local but no user or alias matches: SMTP <c>550 5.1.1</c>.</summary>
    UnknownUser,
    /// <summary>The domain is not local: relaying, SMTP <c>554 5.7.1</c> on the MX.</summary>
    NotLocal,
}

/// <summary>Result of <see cref="IMailDirectory.ResolveRecipientAsync"/>.</summary>
/// <param name="Kind">The outcome.</param>
/// <param name="Users">Canonical addresses of the local users that receive the message (empty unless <see cref="RecipientKind.Local"/>;
/// may be empty when the recipient is only forwarded).</param>
public sealed record RecipientResolution(RecipientKind Kind, IReadOnlyList<string> Users)
{
    /// <summary>
    /// Remote addresses the message is re-sent to through the outbound queue (a user's forwarding address,
    /// remote alias or list targets), normalized, without duplicates; empty when nothing is forwarded.
    /// </summary>
    public IReadOnlyList<string> Forwards { get; init; } = [];

    /// <summary>True when someone receives the message: a local user or a forwarding target.</summary>
    public bool Delivers => Kind == RecipientKind.Local && (Users.Count > 0 || Forwards.Count > 0);

    public static RecipientResolution UnknownUser { get; } = new(RecipientKind.UnknownUser, []);
    public static RecipientResolution NotLocal { get; } = new(RecipientKind.NotLocal, []);
}
