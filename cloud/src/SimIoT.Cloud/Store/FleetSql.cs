using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>
/// The fleet query's SQL, written once for both stores; they differ only in parameter prefix,
/// case-insensitive LIKE, substring test and the stand-in for "never seen" in the last-seen order.
/// Every order is backed by an index on (organization, key, modem_id). A nickname substring (q)
/// is served by a trigram index: on PostgreSQL pg_trgm's GIN index answers the ILIKE itself; on
/// SQLite an FTS5 trigram table (<see cref="SqliteTrigrams"/>) names the candidates the LIKE then
/// checks, when they are few (<see cref="Candidates"/>); when they are many, walking an order's
/// index finds a page's matches soon and the count reads the covering index, as before.
/// </summary>
public sealed class FleetSql(char prefix, string like, string contains, string nicknameKey, string lastSeenKey, object neverSeen, string countFrom, string countIndex, string? trigrams = null)
{
    // SQLite counts a filtered fleet through one covering index of every filtered column (told
    // so: it would otherwise walk the table's rows, 10x slower at 100,000 modems).
    public static FleetSql Sqlite { get; } = new('$', "LIKE", "instr", "nickname", "COALESCE(last_seen, '')", "",
        "modems INDEXED BY modems_active_filters",
        "CREATE INDEX IF NOT EXISTS modems_active_filters ON modems (organization, carrier, protocol, last_seen, tags, nickname, modem_id) WHERE deleted_at IS NULL;",
        SqliteTrigrams.Table);

    // Nicknames in byte order ("C"), as SQLite orders them, whatever the database's collation.
    public static FleetSql Postgres { get; } = new('@', "ILIKE", "strpos", "(nickname COLLATE \"C\")", "COALESCE(last_seen, 'epoch'::timestamptz)", DateTime.UnixEpoch,
        "modems", "");

    /// <summary>
    /// Indexes for the fleet's orders, of active modems only: the fleet's queries all say
    /// "deleted_at IS NULL", so a count reads the id index alone, never the table.
    /// </summary>
    public string Indexes => $"""
        CREATE INDEX IF NOT EXISTS modems_active_by_id ON modems (organization, modem_id) WHERE deleted_at IS NULL;
        CREATE INDEX IF NOT EXISTS modems_active_by_nickname ON modems (organization, {nicknameKey}, modem_id) WHERE deleted_at IS NULL;
        CREATE INDEX IF NOT EXISTS modems_active_by_last_seen ON modems (organization, ({lastSeenKey}), modem_id) WHERE deleted_at IS NULL;
        {countIndex}
        """;

    /// <param name="narrow">
    /// SQLite only, from <see cref="Candidates"/>: read just the modems the trigram table (and the
    /// id range) name, instead of walking an order's index.
    /// </param>
    public (string Sql, List<(string Name, object? Value)> Parameters) Where(ModemFilter filter, bool narrow = false)
    {
        var p = new List<(string, object?)>();
        var sql = new List<string> { $"organization = {Add(p, "org", filter.Organization)}", "deleted_at IS NULL" };
        if (filter.Query is { Length: > 0 } q)
        {
            var nickname = $"nickname {like} {Add(p, "qn", "%" + EscapeLike(q) + "%")} ESCAPE '\\'";
            // Ids are 16 lower-case hex digits (ModemId), so "starts with q" is a range of the
            // primary key, which both stores read as an index (a LIKE on it is a scan).
            bool id = IsIdPrefix(q);
            if (id) Add(p, "qlo", q.ToLowerInvariant().PadRight(16, '0'));
            if (id) Add(p, "qhi", q.ToLowerInvariant().PadRight(16, 'f'));
            sql.Add(id ? $"(modem_id BETWEEN {Prefixed("qlo")} AND {Prefixed("qhi")} OR {nickname})" : nickname);
            // The candidates are a superset (the trigram table folds case beyond ASCII, as LIKE
            // does not); the test above keeps the answer exactly what it is without them.
            if (narrow)
                sql.Add($"modem_id IN ({CandidateIds(p, q, id)})");
        }
        if (filter.Carrier is { } carrier) sql.Add($"carrier = {Add(p, "carrier", carrier)}");
        if (filter.Protocol is { } protocol) sql.Add($"protocol = {Add(p, "proto", protocol)}");
        if (filter.Tag is { } tag) sql.Add($"{contains}(tags, {Add(p, "tag", ModemTags.Needle(tag))}) > 0");
        if (filter.Fresh is { } fresh)
        {
            var since = Add(p, "fresh", filter.FreshAfter);
            sql.Add(fresh ? $"last_seen > {since}" : $"(last_seen IS NULL OR last_seen <= {since})");
        }
        return (string.Join(" AND ", sql), p);
    }

    /// <summary>The page query; its columns are the store's modem columns with the key left out (<paramref name="columns"/>).</summary>
    public (string Sql, List<(string Name, object? Value)> Parameters) Page(string columns, ModemFilter filter, ModemSort sort, ModemCursor? after, int limit, bool narrow = false)
    {
        var (where, p) = Where(filter, narrow);
        if (after is not null)
        {
            var id = Add(p, "cid", after.Id);
            where += sort switch
            {
                ModemSort.Nickname => $" AND ({nicknameKey} > {Add(p, "ck", after.Nickname)} OR ({nicknameKey} = {Prefixed("ck")} AND modem_id > {id}))",
                ModemSort.LastSeen => $" AND ({lastSeenKey} < {Add(p, "ck", (object?)after.LastSeen ?? neverSeen)} OR ({lastSeenKey} = {Prefixed("ck")} AND modem_id < {id}))",
                _ => $" AND modem_id > {id}",
            };
        }
        var order = sort switch
        {
            ModemSort.Nickname => $"{nicknameKey}, modem_id",
            ModemSort.LastSeen => $"{lastSeenKey} DESC, modem_id DESC",
            _ => "modem_id",
        };
        return ($"SELECT {columns} FROM {(narrow ? NarrowFrom : "modems")} WHERE {where} ORDER BY {order} LIMIT {Add(p, "limit", limit)}", p);
    }

    public (string Sql, List<(string Name, object? Value)> Parameters) Count(ModemFilter filter, bool narrow = false)
    {
        var (where, p) = Where(filter, narrow);
        return ($"SELECT COUNT(*) FROM {(narrow ? NarrowFrom : countFrom)} WHERE {where}", p);
    }

    /// <summary>
    /// How many modems, of every organization, the trigram table and the id range name for the
    /// filter's q, counted up to <paramref name="limit"/> each; null when there is no trigram table
    /// or q is too short for a trigram. Cheap: both stop at the limit.
    /// </summary>
    public (string Sql, List<(string Name, object? Value)> Parameters)? Candidates(ModemFilter filter, int limit)
    {
        if (trigrams is null || filter.Query is not { } q || q.EnumerateRunes().Count() < SqliteTrigrams.MinimumLength) return null;
        var p = new List<(string, object?)>();
        bool id = IsIdPrefix(q);
        if (id) Add(p, "qlo", q.ToLowerInvariant().PadRight(16, '0'));
        if (id) Add(p, "qhi", q.ToLowerInvariant().PadRight(16, 'f'));
        var n = Add(p, "n", limit);
        var ids = id ? $" + (SELECT COUNT(*) FROM (SELECT 1 FROM modems WHERE modem_id BETWEEN {Prefixed("qlo")} AND {Prefixed("qhi")} LIMIT {n}))" : "";
        return ($"SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM {trigrams} WHERE {trigrams} MATCH {Add(p, "qt", SqliteTrigrams.Phrase(q))} LIMIT {n})){ids}", p);
    }

    // The few candidates are looked up by id in the organization's id index, then sorted: told
    // so, because SQLite would otherwise walk an order's index through the whole organization.
    private const string NarrowFrom = "modems INDEXED BY modems_active_by_id";

    private string CandidateIds(List<(string, object?)> p, string q, bool id) =>
        $"SELECT {SqliteTrigrams.IdOfRowid} FROM {trigrams} WHERE {trigrams} MATCH {Add(p, "qt", SqliteTrigrams.Phrase(q))}"
        + (id ? $" UNION ALL SELECT modem_id FROM modems WHERE modem_id BETWEEN {Prefixed("qlo")} AND {Prefixed("qhi")}" : "");

    private static bool IsIdPrefix(string q) => q.Length <= 16 && q.All(char.IsAsciiHexDigit);

    /// <summary>Sets what a PATCH names; keeps the rest.</summary>
    public (string Sql, List<(string Name, object? Value)> Parameters) Patch(ModemId id, ModemPatch patch, string textCast)
    {
        var p = new List<(string, object?)>();
        var set = new List<string>();
        if (patch.Nickname is { } nickname) set.Add($"nickname = {Add(p, "nick", nickname)}");
        if (patch.Tags is { } tags) set.Add($"tags = {Add(p, "tags", ModemTags.Encode(tags))}{textCast}");
        if (patch.SetDownlinkEndpoint) set.Add($"downlink_endpoint = {Add(p, "downlink", patch.DownlinkEndpoint)}{textCast}");
        if (set.Count == 0) set.Add("nickname = nickname");
        return ($"UPDATE modems SET {string.Join(", ", set)} WHERE modem_id = {Add(p, "id", id.ToString())} AND deleted_at IS NULL", p);
    }

    private string Prefixed(string name) => prefix + name;

    private string Add(List<(string, object?)> parameters, string name, object? value)
    {
        parameters.Add((Prefixed(name), value));
        return Prefixed(name);
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
