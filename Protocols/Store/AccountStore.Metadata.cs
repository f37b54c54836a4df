namespace Mail.Protocols.Store;

// METADATA entries (RFC 5464), StoreSchema v3.
internal sealed partial class AccountStore
{
    private const string PrivatePrefix = "/private/";

    /// <inheritdoc />
    public Task<IReadOnlyList<MetadataEntry>?> GetMetadataAsync(string mailboxName, string user, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        long mailboxId = 0;
        if (mailboxName.Length > 0)
        {
            using var find = connection.CreateCommand();
            find.CommandText = "SELECT id FROM mailboxes WHERE name = @name";
            find.Parameters.AddWithValue("@name", MailboxName.Normalize(mailboxName) ?? "");
            if (find.ExecuteScalar() is not long id)
            {
                return Task.FromResult<IReadOnlyList<MetadataEntry>?>(null);
            }
            mailboxId = id;
        }
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name, value FROM metadata WHERE mailbox_id = @id AND (owner = '' OR owner = @user) ORDER BY name";
        cmd.Parameters.AddWithValue("@id", mailboxId);
        cmd.Parameters.AddWithValue("@user", user);
        using var reader = cmd.ExecuteReader();
        var list = new List<MetadataEntry>();
        while (reader.Read())
        {
            list.Add(new MetadataEntry(reader.GetString(0), (byte[])reader.GetValue(1)));
        }
        return Task.FromResult<IReadOnlyList<MetadataEntry>?>(list);
    }

    /// <inheritdoc />
    public async Task<(MetadataStatus Status, int MaxSize)> SetMetadataAsync(string mailboxName, string user, IReadOnlyList<MetadataEntry> changes, CancellationToken cancellationToken)
    {
        var max = _context.Limits.MaxMetadataValueOctets;
        if (changes.Any(c => c.Value is { } v && v.Length > max))
        {
            return (MetadataStatus.TooLarge, max);
        }
        using (await LockAsync(cancellationToken))
        {
            using var tx = _writer.BeginTransaction();
            long mailboxId = 0;
            if (mailboxName.Length > 0)
            {
                var normalized = MailboxName.Normalize(mailboxName);
                if (normalized is null || FindMailbox(tx, normalized) is not { } mailbox)
                {
                    return (MetadataStatus.NoSuchMailbox, 0);
                }
                mailboxId = mailbox.Id;
            }
            using var upsert = Command(tx, "INSERT INTO metadata (mailbox_id, owner, name, value) VALUES (@id, @owner, @name, @value) ON CONFLICT (mailbox_id, owner, name) DO UPDATE SET value = excluded.value",
                ("@id", mailboxId), ("@owner", ""), ("@name", ""), ("@value", Array.Empty<byte>()));
            using var delete = Command(tx, "DELETE FROM metadata WHERE mailbox_id = @id AND owner = @owner AND name = @name", ("@id", mailboxId), ("@owner", ""), ("@name", ""));
            foreach (var change in changes)
            {
                var owner = change.Name.StartsWith(PrivatePrefix, StringComparison.Ordinal) ? user : "";
                var cmd = change.Value is null ? delete : upsert;
                cmd.Parameters["@owner"].Value = owner;
                cmd.Parameters["@name"].Value = change.Name;
                if (change.Value is { } value)
                {
                    cmd.Parameters["@value"].Value = value;
                }
                cmd.ExecuteNonQuery();
            }
            var count = Convert.ToInt64(Scalar(tx, "SELECT COUNT(*) FROM metadata WHERE mailbox_id = @id AND (owner = '' OR owner = @user)", ("@id", mailboxId), ("@user", user)), System.Globalization.CultureInfo.InvariantCulture);
            if (count > _context.Limits.MaxMetadataEntries && changes.Any(c => c.Value is not null))
            {
                // All or nothing (RFC 5464 §4.3): the transaction is dropped.
                return (MetadataStatus.TooMany, 0);
            }
            tx.Commit();
        }
        var changedName = mailboxName.Length > 0 ? MailboxName.Normalize(mailboxName) ?? mailboxName : "";
        RaiseListChanged(new MailboxListChange(MailboxListChangeKind.MetadataChanged, changedName, Entries: changes.Select(c => c.Name).ToList(), User: user));
        return (MetadataStatus.Ok, 0);
    }
}
