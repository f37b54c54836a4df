using Microsoft.Data.Sqlite;

namespace Mail.Protocols.Filtering;

/// <summary>
/// The first-use creation shared by the filter tier's small SQLite files (verdicts, quarantine index, sender lists): the folder,
/// WAL mode and the <c>CREATE … IF NOT EXISTS</c> schema, run once per process however many threads ask at once.
/// </summary>
/// <remarks>
/// WAL is a property of the file, so setting it once is enough for every later connection; the schema statements are
/// idempotent, so a second process creating the same file at the same time is harmless (SQLite's busy timeout serializes them).
/// </remarks>
/// <param name="connectionString">The store's connection string.</param>
/// <param name="directory">The folder the database file lives in (created if missing).</param>
/// <param name="schema">The <c>CREATE TABLE / INDEX IF NOT EXISTS</c> statements.</param>
internal sealed class SqliteLazySchema(string connectionString, string directory, string schema)
{
    private readonly Lock _lock = new();
    private bool _created;

    /// <summary>Creates the folder, sets WAL and runs the schema the first time; afterwards returns at once.</summary>
    /// <exception cref="SqliteException">The file cannot be opened or the schema fails (the next call tries again).</exception>
    public void EnsureCreated()
    {
        if (Volatile.Read(ref _created))
        {
            return;
        }
        lock (_lock)
        {
            if (_created)
            {
                return;
            }
            System.IO.Directory.CreateDirectory(directory);
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode = WAL;\n" + schema;
            cmd.ExecuteNonQuery();
            Volatile.Write(ref _created, true);
        }
    }
}
