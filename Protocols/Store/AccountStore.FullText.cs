using Microsoft.Data.Sqlite;

namespace Mail.Protocols.Store;

// Full-text index for IMAP SEARCH BODY/TEXT (StoreSchema v2: fts_files + fts_text, trigram tokenizer; v5: fts_words,
// unicode61 words with 1- and 2-character prefix indexes, for the terms too short for trigrams).
internal sealed partial class AccountStore
{
    /// <summary>Files indexed per transaction when catching up on messages stored before the index existed.</summary>
    private const int BackfillBatch = 256;

    /// <summary>Mailboxes known to have a text row for every message (so a search skips the check of 1 query per message).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, bool> _mailboxesIndexed = new();

    /// <inheritdoc />
    public async Task<IReadOnlySet<uint>> SearchTextAsync(long mailboxId, string text, TextSearchScope scope, CancellationToken cancellationToken)
    {
        await EnsureIndexedAsync(mailboxId, cancellationToken);
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.Parameters.AddWithValue("@id", mailboxId);
        if (text.Length == 0)
        {
            cmd.CommandText = "SELECT uid FROM messages WHERE mailbox_id = @id";
        }
        else if (text.EnumerateRunes().Take(3).Count() >= 3)
        {
            // A phrase of trigrams is a substring match (case folded by the tokenizer); MATERIALIZED keeps
            // SQLite from probing the FTS table once per message of the mailbox, and CROSS JOIN fixes the join order
            // (hits, then their files, then their messages): the cost follows the hits, never the mailbox's size.
            var phrase = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            cmd.CommandText = """
                WITH hits(id) AS MATERIALIZED (SELECT rowid FROM fts_text WHERE fts_text MATCH @q)
                SELECT m.uid FROM hits CROSS JOIN fts_files f ON f.id = hits.id CROSS JOIN messages m ON m.file = f.file
                WHERE m.mailbox_id = @id
                """;
            cmd.Parameters.AddWithValue("@q", scope == TextSearchScope.Body ? "body : " + phrase : phrase);
        }
        else if (IsShortWord(text))
        {
            // One or two letters or digits: the words starting with them, from the prefix index of fts_words (StoreSchema v5).
            cmd.CommandText = """
                WITH hits(id) AS MATERIALIZED (SELECT rowid FROM fts_words WHERE fts_words MATCH @q)
                SELECT m.uid FROM hits CROSS JOIN fts_files f ON f.id = hits.id CROSS JOIN messages m ON m.file = f.file
                WHERE m.mailbox_id = @id
                """;
            var prefix = "\"" + text + "\" *";
            cmd.Parameters.AddWithValue("@q", scope == TextSearchScope.Body ? "body : " + prefix : prefix);
        }
        else
        {
            // Under three characters with punctuation or spaces neither index can help: scan the indexed text of the mailbox.
            connection.CreateFunction("imap_contains", (string? haystack, string needle) => haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase));
            cmd.CommandText = """
                SELECT m.uid FROM messages m JOIN fts_files f ON f.file = m.file JOIN fts_text t ON t.rowid = f.id
                WHERE m.mailbox_id = @id AND (imap_contains(t.body, @needle) OR (@headers AND imap_contains(t.headers, @needle)))
                """;
            cmd.Parameters.AddWithValue("@needle", text);
            cmd.Parameters.AddWithValue("@headers", scope == TextSearchScope.Text);
        }
        var result = new HashSet<uint>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            result.Add((uint)reader.GetInt64(0));
        }
        return result;
    }

    /// <summary>True for 1 or 2 characters, each a letter or digit (a word prefix for the unicode61 tokenizer of <c>fts_words</c>).</summary>
    private static bool IsShortWord(string text)
    {
        var count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (++count > 2 || !System.Text.Rune.IsLetterOrDigit(rune))
            {
                return false;
            }
        }
        return count > 0;
    }

    /// <summary>
    /// Indexes the files of the mailbox that have no text row yet (messages stored before schema v2, or whose
    /// indexing was lost in a crash). Text is extracted outside the write lock; rows are committed in batches.
    /// </summary>
    private async Task EnsureIndexedAsync(long mailboxId, CancellationToken cancellationToken)
    {
        if (_mailboxesIndexed.ContainsKey(mailboxId))
        {
            // Checked once since the account was opened: every message committed since has its text row (CommitBatch),
            // and a copy shares its file's row, so only a copy of a file never indexed could be missing (see below).
            return;
        }
        List<string> missing;
        using (var connection = OpenReader())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT DISTINCT m.file FROM messages m WHERE m.mailbox_id = @id AND NOT EXISTS (SELECT 1 FROM fts_files f WHERE f.file = m.file)";
            cmd.Parameters.AddWithValue("@id", mailboxId);
            using var reader = cmd.ExecuteReader();
            missing = [];
            while (reader.Read())
            {
                missing.Add(reader.GetString(0));
            }
        }
        if (missing.Count == 0)
        {
            MarkIndexed(mailboxId);
            return;
        }
        StoreLog.TextBackfill(_context.Logger, Account, missing.Count);
        foreach (var chunk in missing.Chunk(BackfillBatch))
        {
            var texts = new MessageText?[chunk.Length];
            Parallel.For(0, chunk.Length, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
                i => texts[i] = MessageTextExtractor.Extract(Path.Combine(_curDirectory, chunk[i]), _context.Limits.MaxIndexedTextChars));
            using (await LockAsync(cancellationToken))
            {
                using var tx = _writer.BeginTransaction();
                using var text = new TextInserter(this, tx);
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (texts[i] is { } t && Scalar(tx, "SELECT EXISTS (SELECT 1 FROM messages WHERE file = @file)", ("@file", chunk[i])) is long and not 0)
                    {
                        text.Insert(chunk[i], t);
                    }
                }
                tx.Commit();
            }
        }
        MarkIndexed(mailboxId);
    }

    /// <summary>
    /// Remembers that every message of the mailbox has its text row. Copying files into it (COPY, MOVE) forgets it
    /// again (<see cref="ForgetIndexed"/>), since the source mailbox may not have been checked yet.
    /// </summary>
    private void MarkIndexed(long mailboxId) => _mailboxesIndexed[mailboxId] = true;

    /// <summary>The mailbox received files from another mailbox: check it again at the next text search.</summary>
    private void ForgetIndexed(long mailboxId) => _mailboxesIndexed.TryRemove(mailboxId, out _);

    /// <summary>Extracts the searchable text of a new message file (outside the write lock).</summary>
    private MessageText ExtractText(string path) =>
        MessageTextExtractor.Extract(path, _context.Limits.MaxIndexedTextChars) ?? new MessageText("", "");

    /// <summary>Deletes the text rows of files no message names any more (inside <paramref name="tx"/>).</summary>
    private void DeleteText(SqliteTransaction tx, IReadOnlyList<string> files)
    {
        using var delete = Command(tx, "DELETE FROM fts_text WHERE rowid = (SELECT id FROM fts_files WHERE file = @file)", ("@file", ""));
        using var deleteWords = Command(tx, "DELETE FROM fts_words WHERE rowid = (SELECT id FROM fts_files WHERE file = @file)", ("@file", ""));
        using var deleteFile = Command(tx, "DELETE FROM fts_files WHERE file = @file", ("@file", ""));
        foreach (var file in files)
        {
            delete.Parameters["@file"].Value = file;
            delete.ExecuteNonQuery();
            deleteWords.Parameters["@file"].Value = file;
            deleteWords.ExecuteNonQuery();
            deleteFile.Parameters["@file"].Value = file;
            deleteFile.ExecuteNonQuery();
        }
    }

    /// <summary>Inserts text rows within one transaction (prepared commands reused).</summary>
    private sealed class TextInserter : IDisposable
    {
        private readonly SqliteCommand _file;
        private readonly SqliteCommand _text;
        private readonly SqliteCommand _words;

        public TextInserter(AccountStore store, SqliteTransaction tx)
        {
            _file = store.Command(tx, "INSERT INTO fts_files (file) VALUES (@file) ON CONFLICT (file) DO NOTHING RETURNING id", ("@file", ""));
            _text = store.Command(tx, "INSERT INTO fts_text (rowid, headers, body) VALUES (@id, @headers, @body)", ("@id", 0L), ("@headers", ""), ("@body", ""));
            _words = store.Command(tx, "INSERT INTO fts_words (rowid, headers, body) VALUES (@id, @headers, @body)", ("@id", 0L), ("@headers", ""), ("@body", ""));
        }

        /// <summary>Adds the text of <paramref name="file"/> unless it is indexed already (a copy, or a concurrent backfill).</summary>
        public void Insert(string file, MessageText text)
        {
            _file.Parameters["@file"].Value = file;
            if (_file.ExecuteScalar() is not long id)
            {
                return;
            }
            _text.Parameters["@id"].Value = id;
            _text.Parameters["@headers"].Value = text.Headers;
            _text.Parameters["@body"].Value = text.Body;
            _text.ExecuteNonQuery();
            _words.Parameters["@id"].Value = id;
            _words.Parameters["@headers"].Value = text.Headers;
            _words.Parameters["@body"].Value = text.Body;
            _words.ExecuteNonQuery();
        }

        public void Dispose()
        {
            _file.Dispose();
            _text.Dispose();
            _words.Dispose();
        }
    }
}
