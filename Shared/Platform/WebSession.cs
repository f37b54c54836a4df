namespace Mail.Shared.Platform;

/// <summary>
/// A server-side web session (table <c>WebSessions</c>): the serialized authentication ticket behind
/// an opaque cookie id. Rows are deleted on sign-out and purged after <see cref="ExpiresUtc"/>.
/// </summary>
public sealed class WebSession
{
    /// <summary>Opaque random id (base64url of 32 random bytes, 43 characters); primary key.</summary>
    public required string Key { get; set; }

    /// <summary>The ticket as written by ASP.NET Core's <c>TicketSerializer</c>.</summary>
    public required byte[] Ticket { get; set; }

    /// <summary>Address of the signed-in user (lower-case), for listing and revoking sessions; empty when unknown.</summary>
    public string UserAddress { get; set; } = "";

    /// <summary>When the session was created (UTC).</summary>
    public DateTime CreatedUtc { get; set; }

    /// <summary>When the session was last used (UTC, updated at most once a minute).</summary>
    public DateTime LastSeenUtc { get; set; }

    /// <summary>When the session expires (UTC); expired rows are never returned and are purged.</summary>
    public DateTime ExpiresUtc { get; set; }
}
