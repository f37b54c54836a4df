using Mail.Protocols.Imap.Commands;

namespace Mail.Protocols.Imap.Session;

/// <summary>
/// The one table of which command is legal in which state (RFC 9051 §6, CONVENTIONS.md §3),
/// checked once before dispatch. A command outside its states gets <c>BAD</c>.
/// </summary>
public static class ImapStateTable
{
    private static readonly Dictionary<string, ImapState> Table = new(StringComparer.Ordinal)
    {
        // RFC 9051 §6.1: any state.
        [CapabilityCommand.WireName] = ImapState.Any,
        [NoopCommand.WireName] = ImapState.Any,
        [LogoutCommand.WireName] = ImapState.Any,
        [IdCommand.WireName] = ImapState.Any,

        // §6.2: not authenticated.
        [StartTlsCommand.WireName] = ImapState.NotAuthenticated,
        [LoginCommand.WireName] = ImapState.NotAuthenticated,
        [AuthenticateCommand.WireName] = ImapState.NotAuthenticated,

        // §6.3: authenticated (and therefore selected).
        [EnableCommand.WireName] = ImapState.LoggedIn,
        [SelectCommand.WireName] = ImapState.LoggedIn,
        [ExamineCommand.WireName] = ImapState.LoggedIn,
        [CreateCommand.WireName] = ImapState.LoggedIn,
        [DeleteCommand.WireName] = ImapState.LoggedIn,
        [RenameCommand.WireName] = ImapState.LoggedIn,
        [SubscribeCommand.WireName] = ImapState.LoggedIn,
        [UnsubscribeCommand.WireName] = ImapState.LoggedIn,
        [ListCommand.WireName] = ImapState.LoggedIn,
        [LsubCommand.WireName] = ImapState.LoggedIn,
        [NamespaceCommand.WireName] = ImapState.LoggedIn,
        [StatusCommand.WireName] = ImapState.LoggedIn,
        [GetQuotaCommand.WireName] = ImapState.LoggedIn,
        [GetQuotaRootCommand.WireName] = ImapState.LoggedIn,
        [SetQuotaCommand.WireName] = ImapState.LoggedIn,
        [AppendCommand.WireName] = ImapState.LoggedIn,
        [IdleCommand.WireName] = ImapState.LoggedIn,
        [CompressCommand.WireName] = ImapState.LoggedIn,
        [GetMetadataCommand.WireName] = ImapState.LoggedIn,
        [SetMetadataCommand.WireName] = ImapState.LoggedIn,
        [SetAclCommand.WireName] = ImapState.LoggedIn,
        [DeleteAclCommand.WireName] = ImapState.LoggedIn,
        [GetAclCommand.WireName] = ImapState.LoggedIn,
        [ListRightsCommand.WireName] = ImapState.LoggedIn,
        [MyRightsCommand.WireName] = ImapState.LoggedIn,
        [NotifyCommand.WireName] = ImapState.LoggedIn,

        // §6.4: selected.
        [CloseCommand.WireName] = ImapState.Selected,
        [CheckCommand.WireName] = ImapState.Selected,
        [UnselectCommand.WireName] = ImapState.Selected,
        [ExpungeCommand.WireName] = ImapState.Selected,
        [SearchCommand.WireName] = ImapState.Selected,
        [FetchCommand.WireName] = ImapState.Selected,
        [StoreCommand.WireName] = ImapState.Selected,
        [CopyCommand.WireName] = ImapState.Selected,
        [MoveCommand.WireName] = ImapState.Selected,
        [UidSearchCommand.WireName] = ImapState.Selected,
        [SortCommand.WireName] = ImapState.Selected,
        [ThreadCommand.WireName] = ImapState.Selected,
        [UidThreadCommand.WireName] = ImapState.Selected,
        [UidSortCommand.WireName] = ImapState.Selected,
        [UidFetchCommand.WireName] = ImapState.Selected,
        [UidStoreCommand.WireName] = ImapState.Selected,
        [UidCopyCommand.WireName] = ImapState.Selected,
        [UidMoveCommand.WireName] = ImapState.Selected,
        [UidExpungeCommand.WireName] = ImapState.Selected,
        [CancelUpdateCommand.WireName] = ImapState.Selected,
    };

    /// <summary>States in which <paramref name="name"/> (upper-case wire name) is legal; <see cref="ImapState.None"/> for unknown names.</summary>
    public static ImapState AllowedStates(string name) => Table.GetValueOrDefault(name);
}
