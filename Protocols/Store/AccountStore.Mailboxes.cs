using Microsoft.Data.Sqlite;

namespace Mail.Protocols.Store;

// Mailbox list, CREATE, DELETE, RENAME, SUBSCRIBE.
internal sealed partial class AccountStore
{
    private const string MailboxInfoSelect = """
        SELECT m.id, m.name, m.special_use, m.uidvalidity, m.uidnext, m.highestmodseq,
               COUNT(x.uid), IFNULL(SUM((x.flags & 1) = 0), 0), IFNULL(SUM(x.size), 0),
               EXISTS (SELECT 1 FROM subscriptions s WHERE s.name = m.name)
        FROM mailboxes m LEFT JOIN messages x ON x.mailbox_id = m.id
        """;

    /// <summary>As <see cref="MailboxInfoSelect"/>, with UNSEEN counted from <c>@user</c>'s private \Seen (<see cref="PrivateSeenView"/>).</summary>
    private const string PrivateMailboxInfoSelect = """
        SELECT m.id, m.name, m.special_use, m.uidvalidity, m.uidnext, m.highestmodseq,
               COUNT(x.uid),
               IFNULL(SUM(x.uid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM private_flags p
                   WHERE p.mailbox_id = m.id AND p.user = @user AND p.uid = x.uid AND (p.flags & 1) <> 0)), 0),
               IFNULL(SUM(x.size), 0),
               EXISTS (SELECT 1 FROM subscriptions s WHERE s.name = m.name)
        FROM mailboxes m LEFT JOIN messages x ON x.mailbox_id = m.id
        """;

    /// <inheritdoc />
    public Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ListMailboxes(null));

    /// <inheritdoc />
    public Task<MailboxInfo?> GetMailboxAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(GetMailbox(name, null));

    /// <summary>Every mailbox, UNSEEN counted from <paramref name="privateUser"/>'s own \Seen when given.</summary>
    internal IReadOnlyList<MailboxInfo> ListMailboxes(string? privateUser)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = (privateUser is null ? MailboxInfoSelect : PrivateMailboxInfoSelect) + " GROUP BY m.id";
        if (privateUser is not null)
        {
            cmd.Parameters.AddWithValue("@user", privateUser);
        }
        var list = ReadMailboxInfos(cmd);
        list.Sort(CompareNames);
        return list;
    }

    /// <inheritdoc />
    public Task<MailboxInfo?> FindMailboxAsync(string name, CancellationToken cancellationToken)
    {
        var normalized = MailboxName.Normalize(name);
        if (normalized is null)
        {
            return Task.FromResult<MailboxInfo?>(null);
        }
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT m.id, m.name, m.special_use, m.uidvalidity, m.uidnext, m.highestmodseq, 0, 0, 0,
                   EXISTS (SELECT 1 FROM subscriptions s WHERE s.name = m.name)
            FROM mailboxes m WHERE m.name = @name
            """;
        cmd.Parameters.AddWithValue("@name", normalized);
        return Task.FromResult(ReadMailboxInfos(cmd).FirstOrDefault());
    }

    /// <summary>One mailbox, UNSEEN counted from <paramref name="privateUser"/>'s own \Seen when given.</summary>
    internal MailboxInfo? GetMailbox(string name, string? privateUser)
    {
        var normalized = MailboxName.Normalize(name);
        if (normalized is null)
        {
            return null;
        }
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = (privateUser is null ? MailboxInfoSelect : PrivateMailboxInfoSelect) + " WHERE m.name = @name GROUP BY m.id";
        cmd.Parameters.AddWithValue("@name", normalized);
        if (privateUser is not null)
        {
            cmd.Parameters.AddWithValue("@user", privateUser);
        }
        return ReadMailboxInfos(cmd).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<StoreStatus> CreateMailboxAsync(string name, SpecialUse specialUse, CancellationToken cancellationToken)
    {
        var normalized = MailboxName.Normalize(name);
        if (normalized is null)
        {
            return StoreStatus.InvalidName;
        }
        using (await LockAsync(cancellationToken))
        {
            using var tx = _writer.BeginTransaction();
            if (FindMailbox(tx, normalized) is not null)
            {
                return StoreStatus.AlreadyExists;
            }
            CreateParents(tx, normalized);
            InsertMailbox(tx, normalized, specialUse);
            tx.Commit();
        }
        RaiseListChanged(new MailboxListChange(MailboxListChangeKind.Created, normalized));
        return StoreStatus.Ok;
    }

    /// <inheritdoc />
    public async Task<StoreStatus> DeleteMailboxAsync(string name, CancellationToken cancellationToken)
    {
        var normalized = MailboxName.Normalize(name);
        if (normalized is null)
        {
            return StoreStatus.NoSuchMailbox;
        }
        if (MailboxName.IsInbox(normalized))
        {
            return StoreStatus.NotAllowed;
        }
        long id;
        using (await LockAsync(cancellationToken))
        {
            List<string> files;
            using (var tx = _writer.BeginTransaction())
            {
                var mailbox = FindMailbox(tx, normalized);
                if (mailbox is null)
                {
                    return StoreStatus.NoSuchMailbox;
                }
                if (ChildNames(tx, normalized).Count > 0)
                {
                    return StoreStatus.HasChildren;
                }
                id = mailbox.Id;
                files = Strings(tx, "SELECT file FROM messages WHERE mailbox_id = @id", ("@id", id));
                var freed = Convert.ToInt64(Scalar(tx, "SELECT IFNULL(SUM(size), 0) FROM messages WHERE mailbox_id = @id", ("@id", id)), System.Globalization.CultureInfo.InvariantCulture);
                Execute(tx, "DELETE FROM messages WHERE mailbox_id = @id", ("@id", id));
                Execute(tx, "DELETE FROM expunged WHERE mailbox_id = @id", ("@id", id));
                Execute(tx, "DELETE FROM metadata WHERE mailbox_id = @id", ("@id", id));
                Execute(tx, "DELETE FROM private_flags WHERE mailbox_id = @id", ("@id", id));
                Execute(tx, "DELETE FROM mailboxes WHERE id = @id", ("@id", id));
                tx.Commit();
                Interlocked.Add(ref _usedOctets, -freed);
            }
            RemoveUnreferencedFiles(files);
        }
        RaiseChanged([id]);
        RaiseListChanged(new MailboxListChange(MailboxListChangeKind.Deleted, normalized));
        return StoreStatus.Ok;
    }

    /// <inheritdoc />
    public async Task<StoreStatus> RenameMailboxAsync(string oldName, string newName, CancellationToken cancellationToken)
    {
        var from = MailboxName.Normalize(oldName);
        var to = MailboxName.Normalize(newName);
        if (from is null)
        {
            return StoreStatus.NoSuchMailbox;
        }
        if (to is null)
        {
            return StoreStatus.InvalidName;
        }
        var changed = new List<long>();
        var renamed = new List<MailboxListChange>();
        using (await LockAsync(cancellationToken))
        {
            using var tx = _writer.BeginTransaction();
            var source = FindMailbox(tx, from);
            if (source is null)
            {
                return StoreStatus.NoSuchMailbox;
            }
            if (FindMailbox(tx, to) is not null)
            {
                return StoreStatus.AlreadyExists;
            }
            if (to.StartsWith(from + MailboxName.Separator, StringComparison.Ordinal))
            {
                return StoreStatus.NotAllowed;
            }
            var status = MailboxName.IsInbox(from) ? RenameInbox(tx, source, to, changed) : RenameTree(tx, source, to, changed, renamed);
            if (status != StoreStatus.Ok)
            {
                return status;
            }
            tx.Commit();
        }
        RaiseChanged(changed);
        if (MailboxName.IsInbox(from))
        {
            // INBOX stays; its messages went to a new mailbox.
            renamed.Add(new MailboxListChange(MailboxListChangeKind.Created, to));
        }
        foreach (var change in renamed)
        {
            RaiseListChanged(change);
        }
        return StoreStatus.Ok;
    }

    /// <summary>RFC 9051 §6.3.6: renaming INBOX moves its messages into a new mailbox and leaves INBOX empty; its children stay.</summary>
    private StoreStatus RenameInbox(SqliteTransaction tx, MailboxRow inbox, string to, List<long> changed)
    {
        CreateParents(tx, to);
        var target = InsertMailbox(tx, to, SpecialUse.None);
        var uids = Strings(tx, "SELECT uid FROM messages WHERE mailbox_id = @id", ("@id", inbox.Id));
        // The messages keep their UIDs and MODSEQs in the new mailbox (it has a new UIDVALIDITY, so nothing
        // is reused); INBOX records them as expunged and keeps its UIDNEXT.
        var modseq = inbox.ModSeqForChange();
        Execute(tx, "UPDATE messages SET mailbox_id = @to WHERE mailbox_id = @from", ("@to", target.Id), ("@from", inbox.Id));
        if (uids.Count > 0)
        {
            Execute(tx, "INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) SELECT @id, value, @modseq FROM json_each(@uids)",
                ("@id", inbox.Id), ("@modseq", (long)modseq), ("@uids", "[" + string.Join(',', uids) + "]"));
        }
        SaveMailbox(tx, inbox);
        Execute(tx, "UPDATE mailboxes SET uidnext = @uidnext, highestmodseq = @modseq WHERE id = @id",
            ("@uidnext", (long)inbox.UidNext), ("@modseq", (long)modseq), ("@id", target.Id));
        changed.Add(inbox.Id);
        changed.Add(target.Id);
        return StoreStatus.Ok;
    }

    /// <summary>Renames a mailbox and every child (<c>a</c> → <c>b</c> renames <c>a/x</c> → <c>b/x</c>), keeping ids and UIDVALIDITY; subscriptions follow.</summary>
    private StoreStatus RenameTree(SqliteTransaction tx, MailboxRow source, string to, List<long> changed, List<MailboxListChange> renamed)
    {
        var renames = new List<(string From, string To)> { (source.Name, to) };
        foreach (var child in ChildNames(tx, source.Name))
        {
            var target = to + child[source.Name.Length..];
            if (FindMailbox(tx, target) is not null)
            {
                return StoreStatus.AlreadyExists;
            }
            renames.Add((child, target));
        }
        CreateParents(tx, to);
        foreach (var (oldName, newName) in renames)
        {
            changed.Add(FindMailbox(tx, oldName)!.Id);
            renamed.Add(new MailboxListChange(MailboxListChangeKind.Renamed, newName, oldName));
            Execute(tx, "UPDATE mailboxes SET name = @to WHERE name = @from", ("@to", newName), ("@from", oldName));
            if (Execute(tx, "DELETE FROM subscriptions WHERE name = @from", ("@from", oldName)) > 0)
            {
                Execute(tx, "INSERT OR IGNORE INTO subscriptions (name) VALUES (@to)", ("@to", newName));
            }
        }
        return StoreStatus.Ok;
    }

    /// <inheritdoc />
    public async Task<StoreStatus> SetSubscribedAsync(string name, bool subscribed, CancellationToken cancellationToken)
    {
        var normalized = MailboxName.Normalize(name);
        if (normalized is null)
        {
            return StoreStatus.InvalidName;
        }
        using (await LockAsync(cancellationToken))
        {
            using var tx = _writer.BeginTransaction();
            Execute(tx, subscribed ? "INSERT OR IGNORE INTO subscriptions (name) VALUES (@name)" : "DELETE FROM subscriptions WHERE name = @name", ("@name", normalized));
            tx.Commit();
        }
        RaiseListChanged(new MailboxListChange(subscribed ? MailboxListChangeKind.Subscribed : MailboxListChangeKind.Unsubscribed, normalized));
        return StoreStatus.Ok;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListSubscriptionsAsync(CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name FROM subscriptions";
        using var reader = cmd.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }
        names.Sort(CompareNames);
        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    private void CreateParents(SqliteTransaction tx, string name)
    {
        foreach (var parent in MailboxName.Parents(name))
        {
            if (FindMailbox(tx, parent) is null)
            {
                InsertMailbox(tx, parent, SpecialUse.None);
            }
        }
    }

    private List<string> ChildNames(SqliteTransaction tx, string name)
    {
        var prefix = name + MailboxName.Separator;
        return Strings(tx, "SELECT name FROM mailboxes WHERE substr(name, 1, @length) = @prefix ORDER BY name", ("@length", prefix.Length), ("@prefix", prefix));
    }

    private List<string> Strings(SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(tx, sql, parameters);
        using var reader = cmd.ExecuteReader();
        var list = new List<string>();
        while (reader.Read())
        {
            list.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }
        return list;
    }

    private static List<MailboxInfo> ReadMailboxInfos(SqliteCommand cmd)
    {
        using var reader = cmd.ExecuteReader();
        var list = new List<MailboxInfo>();
        while (reader.Read())
        {
            list.Add(new MailboxInfo(
                reader.GetInt64(0), reader.GetString(1), (SpecialUse)reader.GetInt32(2), (uint)reader.GetInt64(3), (uint)reader.GetInt64(4),
                (ulong)reader.GetInt64(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt64(8), reader.GetInt64(9) != 0));
        }
        return list;
    }

    /// <summary>INBOX first, then ordinal by name (so a parent sorts before its children).</summary>
    private static int CompareNames(MailboxInfo a, MailboxInfo b) => CompareNames(a.Name, b.Name);

    private static int CompareNames(string a, string b)
    {
        var aInbox = a == MailboxName.Inbox;
        var bInbox = b == MailboxName.Inbox;
        return aInbox == bInbox ? string.CompareOrdinal(a, b) : aInbox ? -1 : 1;
    }
}
