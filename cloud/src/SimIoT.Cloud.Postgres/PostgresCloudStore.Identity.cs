using Npgsql;
using NpgsqlTypes;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Postgres;

/// <summary>Organizations, users, tokens and the audit (migration 3).</summary>
public sealed partial class PostgresCloudStore : IIdentityStore, IAuditStore
{
    private const string TokenColumns = "token_id, organization, name, role, token_hash, created_at, expires_at, revoked_at";

    private static DateTime AsUtc(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc);

    private ModemKeyProtector Keys => _keys ?? throw new InvalidOperationException("this store was opened without its key-encryption key");

    /// <summary>
    /// Master keys stored in clear by earlier versions, or under a previous key-encryption key, are
    /// wrapped under the current one (VACUUM FULL then drops the old row versions: docs/operations.md).
    /// </summary>
    private void RewrapKeys(ModemKeyProtector keys)
    {
        using var connection = _source.OpenConnection();
        var stale = new List<(string Id, byte[] Blob, byte[] Key)>();
        using (var select = new NpgsqlCommand("SELECT modem_id, master_key FROM modems WHERE master_key IS NOT NULL", connection))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                var (id, blob) = (reader.GetString(0), (byte[])reader[1]);
                if (keys.IsCurrent(blob)) continue;
                stale.Add((id, blob, blob.Length == ModemKeys.KeyLength ? blob : keys.Unprotect(ModemId.Parse(id), blob)
                    ?? throw new InvalidOperationException($"the master key of modem {id} opens with no configured key-encryption key (Store:KeyEncryptionKey, Store:PreviousKeyEncryptionKeys)")));
            }
        }
        foreach (var (id, blob, key) in stale)
        {
            // Only if unchanged: another process starting at the same time may have re-wrapped it already.
            using var update = new NpgsqlCommand("UPDATE modems SET master_key = @key WHERE modem_id = @id AND master_key = @old", connection);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("old", blob);
            update.Parameters.AddWithValue("key", keys.Protect(ModemId.Parse(id), key));
            update.ExecuteNonQuery();
        }
    }

    public async Task<bool> SetModemKeyAsync(ModemId id, byte[] key, CancellationToken cancellationToken)
    {
        await using var command = Command("UPDATE modems SET master_key = @key, uplink_highest = 0, uplink_bitmap = 0 WHERE modem_id = @id AND deleted_at IS NULL",
            ("id", id.ToString()), ("key", Keys.Protect(id, key)));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<string?> FindOrganizationAsync(ModemId id, CancellationToken cancellationToken)
    {
        await using var command = Command("SELECT organization FROM modems WHERE modem_id = @id", ("id", id.ToString()));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task EnsureOrganizationAsync(string name, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = Command("INSERT INTO organizations (name, created_at) VALUES (@name, @now) ON CONFLICT DO NOTHING", ("name", name), ("now", AsUtc(now)));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListOrganizationsAsync(CancellationToken cancellationToken)
    {
        await using var command = Command("SELECT name FROM organizations ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) names.Add(reader.GetString(0));
        return names;
    }

    public async Task<ApiTokenRecord> AddTokenAsync(string organization, string name, string role, string hash, DateTime now, DateTime? expiresAt, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            INSERT INTO api_tokens (organization, name, role, token_hash, created_at, expires_at) VALUES (@org, @name, @role, @hash, @now, @expires)
            RETURNING token_id
            """, ("org", organization), ("name", name), ("role", role), ("hash", hash), ("now", AsUtc(now)), ("expires", expiresAt is { } e ? AsUtc(e) : null));
        command.Parameters["expires"].NpgsqlDbType = NpgsqlDbType.TimestampTz;
        long id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new ApiTokenRecord(id, organization, name, role, hash, now, expiresAt, null);
    }

    public async Task<ApiTokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {TokenColumns} FROM api_tokens WHERE token_hash = @hash", ("hash", hash));
        return (await ReadTokensAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(string? organization, CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {TokenColumns} FROM api_tokens WHERE @org::text IS NULL OR organization = @org ORDER BY token_id", ("org", organization));
        command.Parameters["org"].NpgsqlDbType = NpgsqlDbType.Text;
        return await ReadTokensAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> RevokeTokenAsync(string organization, string name, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = Command("UPDATE api_tokens SET revoked_at = @now WHERE organization = @org AND name = @name AND revoked_at IS NULL",
            ("org", organization), ("name", name), ("now", AsUtc(now)));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> AddUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            INSERT INTO users (name, organization, role, password_hash, created_at) VALUES (@name, @org, @role, @hash, @now)
            ON CONFLICT (name) DO NOTHING
            """, ("name", user.Name), ("org", user.Organization), ("role", user.Role), ("hash", user.PasswordHash), ("now", AsUtc(user.CreatedAt)));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<UserRecord?> FindUserAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = Command("SELECT name, organization, role, password_hash, created_at FROM users WHERE name = @name", ("name", name));
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? new UserRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Utc(r, 4)) : null;
    }

    public async Task<int> CountCredentialsAsync(DateTime now, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now))
            """, ("now", AsUtc(now)));
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<long> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            INSERT INTO audit (organization, at, actor, action, target, detail, address) VALUES (@org, @at, @actor, @action, @target, @detail, @address)
            RETURNING audit_id
            """, ("org", record.Organization), ("at", AsUtc(record.At)), ("actor", record.Actor), ("action", record.Action), ("target", record.Target),
            ("detail", record.Detail), ("address", record.Address));
        command.Parameters["detail"].NpgsqlDbType = NpgsqlDbType.Text;
        command.Parameters["address"].NpgsqlDbType = NpgsqlDbType.Text;
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<AuditRecord>> ListAuditAsync(string organization, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            SELECT audit_id, organization, at, actor, action, target, detail, address FROM audit
            WHERE organization = @org AND (@before::bigint IS NULL OR audit_id < @before) ORDER BY audit_id DESC LIMIT @limit
            """, ("org", organization), ("before", before), ("limit", limit));
        command.Parameters["before"].NpgsqlDbType = NpgsqlDbType.Bigint;
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<AuditRecord>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new AuditRecord(r.GetInt64(0), r.GetString(1), Utc(r, 2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)));
        }
        return list;
    }

    private static async Task<List<ApiTokenRecord>> ReadTokensAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<ApiTokenRecord>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new ApiTokenRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Utc(r, 5),
                r.IsDBNull(6) ? null : Utc(r, 6), r.IsDBNull(7) ? null : Utc(r, 7)));
        }
        return list;
    }
}
