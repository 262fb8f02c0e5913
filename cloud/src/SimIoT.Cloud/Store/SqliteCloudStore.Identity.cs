using Microsoft.Data.Sqlite;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Identity;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>Organizations, users, tokens and the audit (schema step 3, as PostgreSQL's migration 3).</summary>
public sealed partial class SqliteCloudStore : IIdentityStore, IAuditStore
{
    private const string IdentitySchema = """
        CREATE TABLE IF NOT EXISTS organizations (
            name TEXT PRIMARY KEY,
            created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS users (
            name TEXT PRIMARY KEY,
            organization TEXT NOT NULL REFERENCES organizations (name),
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS api_tokens (
            token_id INTEGER PRIMARY KEY AUTOINCREMENT,
            organization TEXT NOT NULL REFERENCES organizations (name),
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            expires_at TEXT,
            revoked_at TEXT);
        CREATE TABLE IF NOT EXISTS audit (
            audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
            organization TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            detail TEXT,
            address TEXT);
        CREATE INDEX IF NOT EXISTS audit_by_organization ON audit (organization, audit_id);
        """;

    private const string TokenColumns = "token_id, organization, name, role, token_hash, created_at, expires_at, revoked_at";

    /// <summary>The file is created owner-only, before SQLite opens it (its -wal and -shm files take the same mode).</summary>
    private static void CreateOwnerOnly(string path)
    {
        if (File.Exists(path) || OperatingSystem.IsWindows()) return;
        using var _ = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }

    /// <summary>Modems from before organizations belong to the default one (where legacy v1 modems go).</summary>
    private void MigrateIdentity()
    {
        using var tx = _connection.BeginTransaction();
        using var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = IdentitySchema;
        command.ExecuteNonQuery();
        AlterUnlessColumn(command, "modems", "organization", $"""
            ALTER TABLE modems ADD COLUMN organization TEXT NOT NULL DEFAULT '{OrganizationNames.Default}';
            CREATE INDEX modems_by_organization ON modems (organization, modem_id);
            """);
        command.CommandText = "INSERT OR IGNORE INTO organizations (name, created_at) VALUES ($name, $now)";
        command.Parameters.AddWithValue("$name", OrganizationNames.Default);
        command.Parameters.AddWithValue("$now", DateTime.UtcNow);
        command.ExecuteNonQuery();
        tx.Commit();
    }

    private ModemKeyProtector Keys => _keys ?? throw new InvalidOperationException("this store was opened without its key-encryption key");

    /// <summary>
    /// Master keys stored in clear by earlier versions, or under a previous key-encryption key,
    /// are wrapped under the current one; then the file is rewritten (checkpoint and VACUUM) so no
    /// page, free or in the WAL, keeps the old bytes.
    /// </summary>
    private void RewrapKeys(ModemKeyProtector keys)
    {
        var stale = new List<(string Id, byte[] Key)>();
        using (var select = Command(_connection, "SELECT modem_id, master_key FROM modems WHERE master_key IS NOT NULL"))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                var (id, blob) = (reader.GetString(0), (byte[])reader[1]);
                if (keys.IsCurrent(blob)) continue;
                stale.Add((id, blob.Length == ModemKeys.KeyLength ? blob : keys.Unprotect(ModemId.Parse(id), blob)
                    ?? throw new InvalidOperationException($"the master key of modem {id} opens with no configured key-encryption key (Store:KeyEncryptionKey, Store:PreviousKeyEncryptionKeys)")));
            }
        }
        if (stale.Count == 0) return;
        using (var tx = _connection.BeginTransaction())
        {
            foreach (var (id, key) in stale)
            {
                using var update = Command(_connection, "UPDATE modems SET master_key = $key WHERE modem_id = $id", ("$id", id), ("$key", keys.Protect(ModemId.Parse(id), key)));
                update.Transaction = tx;
                update.ExecuteNonQuery();
            }
            tx.Commit();
        }
        using var rewrite = Command(_connection, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
        rewrite.ExecuteNonQuery();
    }

    public Task<bool> SetModemKeyAsync(ModemId id, byte[] key, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        // A new key starts a new sequence space for the SIM's uplink; the downlink reservation stays.
        using var command = Command(c, "UPDATE modems SET master_key = $key, uplink_highest = 0, uplink_bitmap = 0 WHERE modem_id = $id AND deleted_at IS NULL",
            ("$id", id.ToString()), ("$key", Keys.Protect(id, key)));
        return command.ExecuteNonQuery() == 1;
    }, cancellationToken);

    public Task<string?> FindOrganizationAsync(ModemId id, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, "SELECT organization FROM modems WHERE modem_id = $id", ("$id", id.ToString()));
        return command.ExecuteScalar() as string;
    }, cancellationToken);

    public Task EnsureOrganizationAsync(string name, DateTime now, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, "INSERT OR IGNORE INTO organizations (name, created_at) VALUES ($name, $now)", ("$name", name), ("$now", now));
        return command.ExecuteNonQuery();
    }, cancellationToken);

    public Task<IReadOnlyList<string>> ListOrganizationsAsync(CancellationToken cancellationToken) => LockedAsync<IReadOnlyList<string>>(c =>
    {
        using var command = Command(c, "SELECT name FROM organizations ORDER BY name");
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }, cancellationToken);

    public Task<ApiTokenRecord> AddTokenAsync(string organization, string name, string role, string hash, DateTime now, DateTime? expiresAt, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, """
            INSERT INTO api_tokens (organization, name, role, token_hash, created_at, expires_at) VALUES ($org, $name, $role, $hash, $now, $expires)
            RETURNING token_id
            """, ("$org", organization), ("$name", name), ("$role", role), ("$hash", hash), ("$now", now), ("$expires", expiresAt));
        long id = (long)command.ExecuteScalar()!;
        return new ApiTokenRecord(id, organization, name, role, hash, now, expiresAt, null);
    }, cancellationToken);

    public Task<ApiTokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, $"SELECT {TokenColumns} FROM api_tokens WHERE token_hash = $hash", ("$hash", hash));
        return ReadTokens(command).FirstOrDefault();
    }, cancellationToken);

    public Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(string? organization, CancellationToken cancellationToken) => LockedAsync<IReadOnlyList<ApiTokenRecord>>(c =>
    {
        using var command = Command(c, $"SELECT {TokenColumns} FROM api_tokens WHERE $org IS NULL OR organization = $org ORDER BY token_id", ("$org", organization));
        return ReadTokens(command);
    }, cancellationToken);

    public Task<int> RevokeTokenAsync(string organization, string name, DateTime now, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, "UPDATE api_tokens SET revoked_at = $now WHERE organization = $org AND name = $name AND revoked_at IS NULL",
            ("$org", organization), ("$name", name), ("$now", now));
        return command.ExecuteNonQuery();
    }, cancellationToken);

    public Task<bool> AddUserAsync(UserRecord user, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, """
            INSERT INTO users (name, organization, role, password_hash, created_at) VALUES ($name, $org, $role, $hash, $now)
            ON CONFLICT (name) DO NOTHING
            """, ("$name", user.Name), ("$org", user.Organization), ("$role", user.Role), ("$hash", user.PasswordHash), ("$now", user.CreatedAt));
        return command.ExecuteNonQuery() == 1;
    }, cancellationToken);

    public Task<UserRecord?> FindUserAsync(string name, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, "SELECT name, organization, role, password_hash, created_at FROM users WHERE name = $name", ("$name", name));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new UserRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Utc(reader, 4)) : null;
    }, cancellationToken);

    public Task<int> CountCredentialsAsync(DateTime now, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, """
            SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $now))
            """, ("$now", now));
        return (int)(long)command.ExecuteScalar()!;
    }, cancellationToken);

    public Task<long> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, """
            INSERT INTO audit (organization, at, actor, action, target, detail, address) VALUES ($org, $at, $actor, $action, $target, $detail, $address)
            RETURNING audit_id
            """, ("$org", record.Organization), ("$at", record.At), ("$actor", record.Actor), ("$action", record.Action), ("$target", record.Target),
            ("$detail", record.Detail), ("$address", record.Address));
        return (long)command.ExecuteScalar()!;
    }, cancellationToken);

    public Task<IReadOnlyList<AuditRecord>> ListAuditAsync(string organization, long? before, int limit, CancellationToken cancellationToken) => LockedAsync<IReadOnlyList<AuditRecord>>(c =>
    {
        using var command = Command(c, """
            SELECT audit_id, organization, at, actor, action, target, detail, address FROM audit
            WHERE organization = $org AND ($before IS NULL OR audit_id < $before) ORDER BY audit_id DESC LIMIT $limit
            """, ("$org", organization), ("$before", before), ("$limit", limit));
        using var r = command.ExecuteReader();
        var list = new List<AuditRecord>();
        while (r.Read())
        {
            list.Add(new AuditRecord(r.GetInt64(0), r.GetString(1), Utc(r, 2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)));
        }
        return list;
    }, cancellationToken);

    private static List<ApiTokenRecord> ReadTokens(SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        var list = new List<ApiTokenRecord>();
        while (r.Read())
        {
            list.Add(new ApiTokenRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Utc(r, 5),
                r.IsDBNull(6) ? null : Utc(r, 6), r.IsDBNull(7) ? null : Utc(r, 7)));
        }
        return list;
    }
}
