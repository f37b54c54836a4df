using Microsoft.Data.Sqlite;

namespace Mail.Protocols.Store;

// Per-user \Seen of shared mailboxes (StoreSchema v4 private_flags; RFC 4314 §4, Dovecot's INDEXPVT).
internal sealed partial class AccountStore
{
    private const string PrefixedMessageColumns = "m.uid, m.flags, m.keywords, m.modseq, m.internal_date, m.internal_offset, m.size, m.email_id, m.save_date";

    /// <summary>One view per grantee, so that all its sessions share one store instance (and what is keyed by it).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PrivateSeenView> _privateViews = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IAccountStore PrivateView(string user) => _privateViews.GetOrAdd(user, u => new PrivateSeenView(this, u));

    /// <summary>
    /// A message as <paramref name="shared"/> is in the index with \Seen taken from a user's private row
    /// (<paramref name="privateFlags"/>, <paramref name="privateModSeq"/>; zero when there is none): the MODSEQ is the
    /// greater of the two, so a change of either part is a change for that user (RFC 7162 §3.1).
    /// </summary>
    internal static MessageRecord Overlay(MessageRecord shared, MessageFlags privateFlags, ulong privateModSeq) =>
        shared with
        {
            Flags = (shared.Flags & ~MessageFlags.Seen) | (privateFlags & MessageFlags.Seen),
            ModSeq = Math.Max(shared.ModSeq, privateModSeq),
        };

    /// <summary>Every message of a mailbox as <paramref name="user"/> sees it (<see cref="Overlay"/>), ascending by UID.</summary>
    internal IReadOnlyList<MessageRecord> GetMessages(long mailboxId, string user)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT " + PrefixedMessageColumns + """
            , IFNULL(p.flags, 0), IFNULL(p.modseq, 0)
            FROM messages m LEFT JOIN private_flags p ON p.mailbox_id = m.mailbox_id AND p.user = @user AND p.uid = m.uid
            WHERE m.mailbox_id = @id ORDER BY m.uid
            """;
        cmd.Parameters.AddWithValue("@id", mailboxId);
        cmd.Parameters.AddWithValue("@user", user);
        using var reader = cmd.ExecuteReader();
        var list = new List<MessageRecord>();
        while (reader.Read())
        {
            list.Add(Overlay(ReadMessage(reader), (MessageFlags)reader.GetInt32(9), (ulong)reader.GetInt64(10)));
        }
        return list;
    }

    /// <summary>The UIDs among <paramref name="uids"/> that <paramref name="user"/> has marked \Seen in the mailbox.</summary>
    internal HashSet<uint> GetPrivateSeen(long mailboxId, string user, IReadOnlyList<uint> uids)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT uid FROM private_flags WHERE mailbox_id = @id AND user = @user AND (flags & 1) <> 0 AND uid IN (SELECT value FROM json_each(@uids))";
        cmd.Parameters.AddWithValue("@id", mailboxId);
        cmd.Parameters.AddWithValue("@user", user);
        cmd.Parameters.AddWithValue("@uids", UidJson(uids));
        using var reader = cmd.ExecuteReader();
        var seen = new HashSet<uint>();
        while (reader.Read())
        {
            seen.Add((uint)reader.GetInt64(0));
        }
        return seen;
    }

    /// <summary>The messages to update, ascending by UID, each with the private row of <paramref name="privateUser"/> (zeros without one).</summary>
    private List<(MessageRecord Shared, (MessageFlags Flags, ulong ModSeq) Private)> ReadForUpdate(SqliteTransaction tx, long mailboxId, IReadOnlyList<uint> uids, string? privateUser)
    {
        var current = new List<(MessageRecord, (MessageFlags, ulong))>();
        using var select = Command(tx, "SELECT " + PrefixedMessageColumns + """
            , IFNULL(p.flags, 0), IFNULL(p.modseq, 0)
            FROM messages m LEFT JOIN private_flags p ON p.mailbox_id = m.mailbox_id AND p.user = @user AND p.uid = m.uid
            WHERE m.mailbox_id = @id AND m.uid IN (SELECT value FROM json_each(@uids)) ORDER BY m.uid
            """, ("@id", mailboxId), ("@uids", UidJson(uids)), ("@user", privateUser ?? ""));
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            current.Add((ReadMessage(reader), ((MessageFlags)reader.GetInt32(9), (ulong)reader.GetInt64(10))));
        }
        return current;
    }
}
