using System.Diagnostics.CodeAnalysis;

namespace Mail.Protocols.Imap.Commands;

/// <summary>Creates the command object for a wire name (upper-case; UID forms as <c>UID FETCH</c>).</summary>
public static class ImapCommandTable
{
    private static readonly Dictionary<string, Func<ImapCommand>> Factories = new(StringComparer.Ordinal)
    {
        [CapabilityCommand.WireName] = () => new CapabilityCommand(),
        [NoopCommand.WireName] = () => new NoopCommand(),
        [LogoutCommand.WireName] = () => new LogoutCommand(),
        [IdCommand.WireName] = () => new IdCommand(),
        [StartTlsCommand.WireName] = () => new StartTlsCommand(),
        [LoginCommand.WireName] = () => new LoginCommand(),
        [AuthenticateCommand.WireName] = () => new AuthenticateCommand(),
        [EnableCommand.WireName] = () => new EnableCommand(),
        [NotifyCommand.WireName] = () => new NotifyCommand(),
        [SelectCommand.WireName] = () => new SelectCommand(),
        [ExamineCommand.WireName] = () => new ExamineCommand(),
        [CreateCommand.WireName] = () => new CreateCommand(),
        [DeleteCommand.WireName] = () => new DeleteCommand(),
        [RenameCommand.WireName] = () => new RenameCommand(),
        [SubscribeCommand.WireName] = () => new SubscribeCommand(),
        [UnsubscribeCommand.WireName] = () => new UnsubscribeCommand(),
        [ListCommand.WireName] = () => new ListCommand(),
        [LsubCommand.WireName] = () => new LsubCommand(),
        [NamespaceCommand.WireName] = () => new NamespaceCommand(),
        [StatusCommand.WireName] = () => new StatusCommand(),
        [GetQuotaCommand.WireName] = () => new GetQuotaCommand(),
        [GetQuotaRootCommand.WireName] = () => new GetQuotaRootCommand(),
        [SetQuotaCommand.WireName] = () => new SetQuotaCommand(),
        [AppendCommand.WireName] = () => new AppendCommand(),
        [IdleCommand.WireName] = () => new IdleCommand(),
        [CloseCommand.WireName] = () => new CloseCommand(),
        [CheckCommand.WireName] = () => new CheckCommand(),
        [UnselectCommand.WireName] = () => new UnselectCommand(),
        [ExpungeCommand.WireName] = () => new ExpungeCommand(),
        [SearchCommand.WireName] = () => new SearchCommand(),
        [FetchCommand.WireName] = () => new FetchCommand(),
        [StoreCommand.WireName] = () => new StoreCommand(),
        [CopyCommand.WireName] = () => new CopyCommand(),
        [MoveCommand.WireName] = () => new MoveCommand(),
        [UidSearchCommand.WireName] = () => new UidSearchCommand(),
        [SortCommand.WireName] = () => new SortCommand(),
        [ThreadCommand.WireName] = () => new ThreadCommand(),
        [UidThreadCommand.WireName] = () => new UidThreadCommand(),
        [UidSortCommand.WireName] = () => new UidSortCommand(),
        [UidFetchCommand.WireName] = () => new UidFetchCommand(),
        [UidStoreCommand.WireName] = () => new UidStoreCommand(),
        [UidCopyCommand.WireName] = () => new UidCopyCommand(),
        [UidMoveCommand.WireName] = () => new UidMoveCommand(),
        [UidExpungeCommand.WireName] = () => new UidExpungeCommand(),
        [CompressCommand.WireName] = () => new CompressCommand(),
        [CancelUpdateCommand.WireName] = () => new CancelUpdateCommand(),
        [GetMetadataCommand.WireName] = () => new GetMetadataCommand(),
        [SetMetadataCommand.WireName] = () => new SetMetadataCommand(),
        [SetAclCommand.WireName] = () => new SetAclCommand(),
        [DeleteAclCommand.WireName] = () => new DeleteAclCommand(),
        [GetAclCommand.WireName] = () => new GetAclCommand(),
        [ListRightsCommand.WireName] = () => new ListRightsCommand(),
        [MyRightsCommand.WireName] = () => new MyRightsCommand(),
    };

    /// <summary>Creates the command for <paramref name="name"/>; false for unknown commands.</summary>
    public static bool TryCreate(string name, [NotNullWhen(true)] out ImapCommand? command)
    {
        command = Factories.TryGetValue(name, out var factory) ? factory() : null;
        return command is not null;
    }
}
