namespace Mail.Shared.Directory;

/// <summary>What an envelope recipient resolves to.</summary>
public enum RecipientKind
{
    /// <summary>One or more local users receive the message.</summary>
    Local,
    /// <summary>The domain is local but no user or alias matches: SMTP <c>550 5.1.1</c>.</summary>
    UnknownUser,
    /// <summary>The domain is not local: relaying, SMTP <c>554 5.7.1</c> on the MX.</summary>
    NotLocal,
}

/// <summary>Result of <see cref="IMailDirectory.ResolveRecipientAsync"/>.</summary>
/// <param name="Kind">The outcome.</param>
/// <param name="Users">Canonical addresses of the local users that receive the message (empty unless <see cref="RecipientKind.Local"/>).</param>
public sealed record RecipientResolution(RecipientKind Kind, IReadOnlyList<string> Users)
{
    public static RecipientResolution UnknownUser { get; } = new(RecipientKind.UnknownUser, []);
    public static RecipientResolution NotLocal { get; } = new(RecipientKind.NotLocal, []);
}
