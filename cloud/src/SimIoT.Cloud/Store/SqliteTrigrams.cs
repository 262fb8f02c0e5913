namespace SimIoT.Cloud.Store;

/// <summary>
/// SQLite's index of nickname substrings: an FTS5 table with the trigram tokenizer, one row per
/// modem, kept in step with the modems table by triggers. Its rowid is the modem id's 64 bits
/// (ids are 16 hex digits), not the modems table's rowid, which VACUUM may renumber.
/// </summary>
public static class SqliteTrigrams
{
    public const string Table = "modems_nickname_trigrams";

    /// <summary>A trigram needs three characters; shorter text matches no row of the table.</summary>
    public const int MinimumLength = 3;

    /// <summary>The modem id (text) of the table's rowid, for "modem_id IN (SELECT ...)".</summary>
    public const string IdOfRowid = "printf('%016x', rowid)";

    /// <summary>
    /// The table, its triggers and, when the table is new (a file from before it, or a new file),
    /// its rows for the modems already there. Idempotent.
    /// </summary>
    public static string Schema(bool create) => (create ? $"""
        CREATE VIRTUAL TABLE {Table} USING fts5(nickname, tokenize = 'trigram');
        INSERT INTO {Table} (rowid, nickname) SELECT {RowidOf("modem_id")}, nickname FROM modems;
        """ : "") + $"""
        CREATE TRIGGER IF NOT EXISTS {Table}_insert AFTER INSERT ON modems BEGIN
            INSERT OR REPLACE INTO {Table} (rowid, nickname) VALUES ({RowidOf("NEW.modem_id")}, NEW.nickname);
        END;
        CREATE TRIGGER IF NOT EXISTS {Table}_update AFTER UPDATE OF modem_id, nickname ON modems
        WHEN OLD.modem_id IS NOT NEW.modem_id OR OLD.nickname IS NOT NEW.nickname BEGIN
            DELETE FROM {Table} WHERE rowid = {RowidOf("OLD.modem_id")};
            INSERT OR REPLACE INTO {Table} (rowid, nickname) VALUES ({RowidOf("NEW.modem_id")}, NEW.nickname);
        END;
        CREATE TRIGGER IF NOT EXISTS {Table}_delete AFTER DELETE ON modems BEGIN
            DELETE FROM {Table} WHERE rowid = {RowidOf("OLD.modem_id")};
        END;
        """;

    /// <summary>
    /// The FTS5 query for "contains <paramref name="text"/>": one quoted string (quotes doubled),
    /// so no character of it is query syntax; the trigram tokenizer matches it anywhere.
    /// </summary>
    public static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";

    /// <summary>SQL for the 64-bit integer of a 16-hex-digit modem id (SQLite has no hex parse), digit by digit.</summary>
    public static string RowidOf(string id) =>
        "(" + string.Join(" | ", Enumerable.Range(0, 16).Select(i => $"((instr('0123456789abcdef', substr({id}, {i + 1}, 1)) - 1) << {60 - 4 * i})")) + ")";
}
