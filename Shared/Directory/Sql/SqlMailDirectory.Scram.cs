using Mail.Shared.Directory.Scram;
using Microsoft.EntityFrameworkCore;

namespace Mail.Shared.Directory.Sql;

public sealed partial class SqlMailDirectory : IScramCredentialStore
{
    /// <inheritdoc />
    /// <remarks>Always reads the database (like <see cref="AuthenticateAsync"/>): a changed password takes effect at once.</remarks>
    public async Task<ScramUserCredential?> FindScramSha256Async(string login, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryParse(login, out var normalized, out _, out _))
        {
            return null;
        }
        var row = await RunAsync(async db => await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Address == normalized, cancellationToken), cancellationToken);
        return row is { Enabled: true } && ScramSha256Credential.TryParse(row.ScramSha256, out var credential)
            ? new ScramUserCredential(ToDirectoryUser(row), credential)
            : null;
    }

    /// <summary>Adds SCRAM keys for a user who has none yet, after a successful password login.</summary>
    private async Task StoreScramAsync(string address, string password, CancellationToken cancellationToken)
    {
        var scram = ScramSha256Credential.Create(password).Format();
        await RunAsync(db => db.Users.Where(u => u.Address == address && u.ScramSha256 == null)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.ScramSha256, scram), cancellationToken), cancellationToken);
    }
}
