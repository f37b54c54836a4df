namespace Mail.Protocols.Store;

internal sealed partial class AccountStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<uint>> GetExpungedSinceAsync(long mailboxId, ulong modSeq, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT uid FROM expunged WHERE mailbox_id = @id AND modseq > @modseq ORDER BY uid";
        cmd.Parameters.AddWithValue("@id", mailboxId);
        cmd.Parameters.AddWithValue("@modseq", (long)Math.Min(modSeq, long.MaxValue));
        using var reader = cmd.ExecuteReader();
        var list = new List<uint>();
        while (reader.Read())
        {
            list.Add((uint)reader.GetInt64(0));
        }
        return Task.FromResult<IReadOnlyList<uint>>(list);
    }
}
