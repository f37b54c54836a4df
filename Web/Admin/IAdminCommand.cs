namespace Mail.Web.Admin;

/// <summary>One verb of the management CLI (<c>admin &lt;noun&gt; &lt;verb&gt; args...</c>).</summary>
internal interface IAdminCommand
{
    /// <summary>First word after <c>admin</c> (<c>domain</c>, <c>user</c>, <c>alias</c>).</summary>
    string Noun { get; }

    /// <summary>Second word (<c>add</c>, <c>list</c>, <c>passwd</c>), or two words separated by one space (<c>alias remove</c>).</summary>
    string Verb { get; }

    /// <summary>Positional arguments after the verb, as shown in the help (<c>&lt;address&gt;</c>).</summary>
    IReadOnlyList<string> Arguments { get; }

    /// <summary>True when the command needs <c>--password-stdin</c>.</summary>
    bool ReadsPassword { get; }

    /// <summary>One-line description for the help.</summary>
    string Description { get; }

    /// <summary>Runs the command; returns an <see cref="AdminExitCodes"/> value.</summary>
    Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken);
}
