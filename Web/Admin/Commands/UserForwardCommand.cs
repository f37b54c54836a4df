using Mail.Shared.Directory;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin user forward &lt;address&gt; &lt;target&gt;</c> (mail is re-sent to the target only),
/// <c>admin user forward-copy &lt;address&gt; &lt;target&gt;</c> (re-sent and kept in the mailbox) and
/// <c>admin user unforward &lt;address&gt;</c>: a user's forwarding (LDAP <c>mailRoutingAddress</c>),
/// through <see cref="IDirectoryAdmin.SetForwardingAsync"/>. Remote targets are re-sent with an SRS sender.
/// </summary>
internal sealed class UserForwardCommand : IAdminCommand
{
    private readonly bool _set;
    private readonly bool _keepCopy;

    private UserForwardCommand(string verb, bool set, bool keepCopy, string description)
    {
        Verb = verb;
        _set = set;
        _keepCopy = keepCopy;
        Description = description;
        Arguments = set ? ["<address>", "<target>"] : ["<address>"];
    }

    /// <summary>The three commands.</summary>
    public static IEnumerable<IAdminCommand> All { get; } =
    [
        new UserForwardCommand("forward", set: true, keepCopy: false, "forward a user's mail to another address (no local copy)"),
        new UserForwardCommand("forward-copy", set: true, keepCopy: true, "forward a user's mail to another address and keep a copy"),
        new UserForwardCommand("unforward", set: false, keepCopy: false, "stop forwarding a user's mail"),
    ];

    public string Noun => "user";
    public string Verb { get; }
    public IReadOnlyList<string> Arguments { get; }
    public bool ReadsPassword => false;
    public string Description { get; }

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var address = context.Arguments[0];
        var target = _set ? context.Arguments[1] : null;
        if (target is not null && !MailAddressText.TryParse(target, out _, out _, out _))
        {
            return context.Fail($"not a valid address: {target}");
        }
        var result = await context.Directory.SetForwardingAsync(address, target, _keepCopy, cancellationToken);
        var user = MailAddressText.Normalize(address);
        return context.Report(result, address, target is null
            ? $"{user} no longer forwards"
            : $"{user} forwards to {MailAddressText.Normalize(target)}{(_keepCopy ? " and keeps a copy" : "")}");
    }
}
