using System.Text;
using Mail.Shared.Directory.Ldap;
using Mail.Shared.Directory.Transfer;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin directory export &lt;file|-&gt;</c>: writes the whole configured directory (SQL or LDAP) as LDIF in the
/// LDAP layout (deploy/ldap/README.md), password hashes included (SQL hashes as <c>{PBKDF2-SHA512}</c>).
/// The DNs use <c>Mail:Directory:Ldap:BaseDn</c> (default <c>dc=example,dc=com</c>); <c>-</c> is standard output.
/// The file is created with mode 0600 (it holds password hashes).
/// </summary>
internal sealed class DirectoryExportCommand : IAdminCommand
{
    public string Noun => "directory";
    public string Verb => "export";
    public IReadOnlyList<string> Arguments { get; } = ["<file|->"];
    public bool ReadsPassword => false;
    public string Description => "export domains, users (with hashes) and aliases as LDIF";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        if (context.Directory is not IDirectoryTransfer transfer)
        {
            return context.Fail("this directory backend cannot export");
        }
        var snapshot = await transfer.ExportAsync(cancellationToken);
        var baseDn = context.Directory is LdapMailDirectory ldap ? ldap.BaseDn
            : context.Services.GetService<IConfiguration>()?[$"{LdapDirectoryOptions.Section}:BaseDn"] is { Length: > 0 } configured ? configured
            : "dc=example,dc=com";
        var path = context.Arguments[0];
        if (path == "-")
        {
            await DirectoryLdif.WriteAsync(snapshot, baseDn, context.Output);
        }
        else
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            await using var writer = new StreamWriter(path, new UTF8Encoding(false), options);
            await DirectoryLdif.WriteAsync(snapshot, baseDn, writer);
            context.Error.WriteLine($"exported {snapshot.Domains.Count} domain(s), {snapshot.Users.Count} user(s), {snapshot.Aliases.Count} alias(es) to {path}");
        }
        return AdminExitCodes.Ok;
    }
}

/// <summary>
/// <c>admin directory import &lt;file|-&gt;</c>: adds the domains, users and aliases of an LDIF file (from
/// <c>directory export</c> or any LDIF in the LDAP layout) to the configured directory. Existing entries are
/// kept; what the target cannot store is printed as a warning. Re-running is safe.
/// </summary>
internal sealed class DirectoryImportCommand : IAdminCommand
{
    public string Noun => "directory";
    public string Verb => "import";
    public IReadOnlyList<string> Arguments { get; } = ["<file|->"];
    public bool ReadsPassword => false;
    public string Description => "import domains, users and aliases from LDIF (additive)";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        if (context.Directory is not IDirectoryTransfer transfer)
        {
            return context.Fail("this directory backend cannot import");
        }
        var path = context.Arguments[0];
        DirectorySnapshot snapshot;
        try
        {
            using var reader = path == "-" ? null : new StreamReader(path, Encoding.UTF8);
            snapshot = await DirectoryLdif.ReadAsync(reader ?? Console.In);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return context.Fail($"cannot read {path}: {ex.Message}");
        }
        var result = await transfer.ImportAsync(snapshot, cancellationToken);
        foreach (var warning in result.Warnings)
        {
            context.Error.WriteLine("admin: warning: " + warning);
        }
        context.Output.WriteLine($"imported {result.Added} entr{(result.Added == 1 ? "y" : "ies")}, {result.Existing} already present, {result.Warnings.Count} warning(s)");
        return AdminExitCodes.Ok;
    }
}
