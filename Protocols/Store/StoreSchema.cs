using Microsoft.Data.Sqlite;

namespace Mail.Protocols.Store;

/// <summary>
/// The per-account index (<c>index.db</c>): SQLite in WAL mode with <c>synchronous=FULL</c>, so a
/// committed transaction is on disk when COMMIT returns (the SMTP 250 promise). The schema version
/// is <c>PRAGMA user_version</c>; <see cref="Migrate"/> brings an older file up to date.
/// </summary>
/// <remarks>
/// Tables:
/// <list type="bullet">
/// <item><c>meta(key, value)</c>: <c>last_uidvalidity</c>, the highest UIDVALIDITY ever issued in the account.</item>
/// <item><c>mailboxes</c>: id (AUTOINCREMENT, never reused), name, special_use, uidvalidity, uidnext, highestmodseq.</item>
/// <item><c>messages</c>: one row per message in a mailbox (internal_date in Unix milliseconds UTC plus its zone
/// offset in minutes, save_date in Unix milliseconds); <c>file</c> names an immutable file under <c>cur/</c>,
/// shared by copies (a file is removed when no row names it any more).</item>
/// <item><c>expunged</c>: expunged UIDs with the MODSEQ of the expunge (RFC 7162 QRESYNC VANISHED).</item>
/// <item><c>subscriptions</c>: subscribed names (a name need not exist, RFC 9051 §6.3.7).</item>
/// <item>(v2) <c>fts_files(id, file)</c> and the FTS5 table <c>fts_text(headers, body)</c> with the trigram tokenizer:
/// the searchable text of each message file (rowid = <c>fts_files.id</c>), one row per file however many copies
/// name it. Substring queries of 3 or more characters are phrase queries on trigrams (IMAP SEARCH is substring,
/// case-insensitive). A v1 index gets the empty tables; the text of older messages is added on first search.</item>
/// <item>(v3) <c>metadata(mailbox_id, owner, name, value)</c>: METADATA entries (RFC 5464); mailbox_id 0 holds the
/// server entries, owner is '' for <c>/shared/</c> entries and the user's address for <c>/private/</c> ones; names lower-case.</item>
/// <item>(v4) <c>private_flags(mailbox_id, user, uid, flags, modseq)</c>: the \Seen flag of each grantee of a shared mailbox
/// (RFC 4314 §4, Dovecot's INDEXPVT), kept apart from the owner's flags; <c>modseq</c> is taken from the mailbox's
/// HIGHESTMODSEQ like any other change, so MODSEQ stays monotonic for everyone. Rows go with their message.</item>
/// <item>(v5) <c>fts_words(headers, body)</c>: the same text as <c>fts_text</c> (same rowid) in a contentless FTS5 table with the
/// unicode61 tokenizer (words: runs of letters and digits, case folded, diacritics kept) and prefix indexes of 1 and 2
/// characters. It answers the 1- and 2-character terms trigrams cannot: such a term made of letters or digits matches the
/// words that start with it (as Dovecot's fts-flatcurve matches prefixes), e.g. <c>zy</c> finds "zyzzogeton" but not
/// "fuzzy". The upgrade fills it from <c>fts_text</c>.</item>
/// <item>(v6) <c>sort_keys(file, sent_date, subject, from_mailbox, from_display, to_mailbox, to_display, cc_mailbox)</c>: the
/// IMAP SORT keys of each message file (<see cref="MessageSortKeys"/>; sent_date in Unix milliseconds UTC or NULL), one row
/// per file like the text rows, written in the transaction that commits the message. An upgraded index gets the empty
/// table; the rows of older messages are added by a background backfill when the account is opened, and SORT computes
/// a missing row from the message meanwhile.</item>
/// </list>
/// </remarks>
internal static class StoreSchema
{
    /// <summary>Current schema version (<c>PRAGMA user_version</c>).</summary>
    public const int Version = 6;

    private const string CreateV1 = """
        CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE mailboxes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            special_use INTEGER NOT NULL,
            uidvalidity INTEGER NOT NULL,
            uidnext INTEGER NOT NULL,
            highestmodseq INTEGER NOT NULL);
        CREATE TABLE messages (
            mailbox_id INTEGER NOT NULL,
            uid INTEGER NOT NULL,
            file TEXT NOT NULL,
            flags INTEGER NOT NULL,
            keywords TEXT NOT NULL,
            modseq INTEGER NOT NULL,
            internal_date INTEGER NOT NULL,
            internal_offset INTEGER NOT NULL,
            size INTEGER NOT NULL,
            email_id TEXT NOT NULL,
            save_date INTEGER NOT NULL,
            PRIMARY KEY (mailbox_id, uid)) WITHOUT ROWID;
        CREATE INDEX messages_file ON messages (file);
        CREATE TABLE expunged (
            mailbox_id INTEGER NOT NULL,
            uid INTEGER NOT NULL,
            modseq INTEGER NOT NULL,
            PRIMARY KEY (mailbox_id, uid)) WITHOUT ROWID;
        CREATE TABLE subscriptions (name TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
        """;

    private const string CreateV2 = """
        CREATE TABLE fts_files (id INTEGER PRIMARY KEY, file TEXT NOT NULL UNIQUE);
        CREATE VIRTUAL TABLE fts_text USING fts5(headers, body, tokenize = 'trigram');
        """;

    private const string CreateV3 = """
        CREATE TABLE metadata (
            mailbox_id INTEGER NOT NULL,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (mailbox_id, owner, name)) WITHOUT ROWID;
        """;

    private const string CreateV4 = """
        CREATE TABLE private_flags (
            mailbox_id INTEGER NOT NULL,
            user TEXT NOT NULL,
            uid INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            modseq INTEGER NOT NULL,
            PRIMARY KEY (mailbox_id, user, uid)) WITHOUT ROWID;
        """;

    private const string CreateV5 = """
        CREATE VIRTUAL TABLE fts_words USING fts5(headers, body, content = '', contentless_delete = 1, prefix = '1 2',
            tokenize = 'unicode61 remove_diacritics 0');
        INSERT INTO fts_words (rowid, headers, body) SELECT rowid, headers, body FROM fts_text;
        """;

    private const string CreateV6 = """
        CREATE TABLE sort_keys (
            file TEXT PRIMARY KEY NOT NULL,
            sent_date INTEGER,
            subject TEXT NOT NULL,
            from_mailbox TEXT NOT NULL,
            from_display TEXT NOT NULL,
            to_mailbox TEXT NOT NULL,
            to_display TEXT NOT NULL,
            cc_mailbox TEXT NOT NULL) WITHOUT ROWID;
        """;

    /// <summary>Sets the connection pragmas of the writer connection.</summary>
    public static void ConfigureWriter(SqliteConnection connection)
    {
        // WAL lets readers run beside the writer; FULL makes every COMMIT fsync the WAL (durable 250).
        // busy_timeout covers a reader-held lock during checkpoints and another process opening the file.
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=OFF;");
    }

    /// <summary>Creates or upgrades the schema inside one transaction.</summary>
    /// <returns>True when the index was created empty now (a new account, or a lost index being rebuilt).</returns>
    /// <exception cref="IOException">The file has a newer schema than this build knows.</exception>
    public static bool Migrate(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction();
        var version = Convert.ToInt32(Scalar(connection, tx, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > Version)
        {
            throw new IOException($"Mailbox index schema {version} is newer than this build ({Version}).");
        }
        if (version < 1)
        {
            Execute(connection, CreateV1, tx);
        }
        if (version < 2)
        {
            Execute(connection, CreateV2, tx);
        }
        if (version < 3)
        {
            Execute(connection, CreateV3, tx);
        }
        if (version < 4)
        {
            Execute(connection, CreateV4, tx);
        }
        if (version < 5)
        {
            Execute(connection, CreateV5, tx);
        }
        if (version < 6)
        {
            Execute(connection, CreateV6, tx);
        }
        Execute(connection, $"PRAGMA user_version={Version}", tx);
        tx.Commit();
        return version == 0;
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
