using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>
/// The fleet query's SQL, written once for both stores; they differ only in parameter prefix,
/// case-insensitive LIKE, substring test and the stand-in for "never seen" in the last-seen order.
/// Every order is backed by an index on (organization, key, modem_id).
/// </summary>
public sealed class FleetSql(char prefix, string like, string contains, string nicknameKey, string lastSeenKey, object neverSeen, string countFrom, string countIndex)
{
    // SQLite counts a filtered fleet through one covering index of every filtered column (told
    // so: it would otherwise walk the table's rows, 10x slower at 100,000 modems).
    public static FleetSql Sqlite { get; } = new('$', "LIKE", "instr", "nickname", "COALESCE(last_seen, '')", "",
        "modems INDEXED BY modems_active_filters",
        "CREATE INDEX IF NOT EXISTS modems_active_filters ON modems (organization, carrier, protocol, last_seen, tags, nickname, modem_id) WHERE deleted_at IS NULL;");

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

    public (string Sql, List<(string Name, object? Value)> Parameters) Where(ModemFilter filter)
    {
        var p = new List<(string, object?)>();
        var sql = new List<string> { $"organization = {Add(p, "org", filter.Organization)}", "deleted_at IS NULL" };
        if (filter.Query is { Length: > 0 } q)
        {
            var nickname = $"nickname {like} {Add(p, "qn", "%" + EscapeLike(q) + "%")} ESCAPE '\\'";
            sql.Add(q.Length <= 16 && q.All(char.IsAsciiHexDigit)
                ? $"(modem_id LIKE {Add(p, "qi", q.ToLowerInvariant() + "%")} OR {nickname})"
                : nickname);
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
    public (string Sql, List<(string Name, object? Value)> Parameters) Page(string columns, ModemFilter filter, ModemSort sort, ModemCursor? after, int limit)
    {
        var (where, p) = Where(filter);
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
        return ($"SELECT {columns} FROM modems WHERE {where} ORDER BY {order} LIMIT {Add(p, "limit", limit)}", p);
    }

    public (string Sql, List<(string Name, object? Value)> Parameters) Count(ModemFilter filter)
    {
        var (where, p) = Where(filter);
        return ($"SELECT COUNT(*) FROM {countFrom} WHERE {where}", p);
    }

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
