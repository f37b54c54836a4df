namespace Mail.Web.Admin;

/// <summary>
/// Audit log of the administration (CLI and web panel, CONVENTIONS.md §8): who did what, with the outcome. Never a
/// password. The actor is the signed-in administrator's address in the panel and <c>cli:&lt;os user&gt;</c> for the CLI.
/// </summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 9701, Level = LogLevel.Information, Message = "Admin {Actor} added domain {Domain}: {Status}")]
    public static partial void DomainAdded(ILogger logger, string actor, string domain, AdminChangeStatus status);

    [LoggerMessage(EventId = 9702, Level = LogLevel.Information, Message = "Admin {Actor} added alias domain {Alias} of {Domain}: {Status}")]
    public static partial void DomainAliasAdded(ILogger logger, string actor, string alias, string domain, AdminChangeStatus status);

    [LoggerMessage(EventId = 9703, Level = LogLevel.Information, Message = "Admin {Actor} removed alias domain {Alias}: {Status}")]
    public static partial void DomainAliasRemoved(ILogger logger, string actor, string alias, AdminChangeStatus status);

    [LoggerMessage(EventId = 9704, Level = LogLevel.Information, Message = "Admin {Actor} added user {Address}: {Status}")]
    public static partial void UserAdded(ILogger logger, string actor, string address, AdminChangeStatus status);

    [LoggerMessage(EventId = 9705, Level = LogLevel.Information, Message = "Admin {Actor} changed the password of {Address}: {Status}")]
    public static partial void PasswordChanged(ILogger logger, string actor, string address, AdminChangeStatus status);

    [LoggerMessage(EventId = 9706, Level = LogLevel.Information, Message = "Admin {Actor} added alias {Alias} -> {Target}: {Status}")]
    public static partial void AliasAdded(ILogger logger, string actor, string alias, string target, AdminChangeStatus status);

    [LoggerMessage(EventId = 9720, Level = LogLevel.Information, Message = "Admin panel sign-in for {Address} succeeded")]
    public static partial void SignInSucceeded(ILogger logger, string address);

    [LoggerMessage(EventId = 9721, Level = LogLevel.Warning, Message = "Admin panel sign-in for {Address} refused: {Reason}")]
    public static partial void SignInRefused(ILogger logger, string address, string reason);

    [LoggerMessage(EventId = 9722, Level = LogLevel.Information, Message = "Admin panel sign-out for {Address}")]
    public static partial void SignedOut(ILogger logger, string address);

    [LoggerMessage(EventId = 9707, Level = LogLevel.Information, Message = "Admin {Actor} asked to {Verb} queued message {Id}: {Outcome}")]
    public static partial void QueueControlled(ILogger logger, string actor, string verb, string id, QueueControlOutcome outcome);
}
