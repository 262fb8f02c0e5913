using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SimIoT.Cloud.Postgres;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Store;

/// <summary>
/// cloud/deploy/postgres/grafana-role.sql run by psql (as the compose file does) on the store's schema:
/// Grafana's role reads what the dashboard shows and cannot read a key or write anything.
/// </summary>
public class GrafanaRoleTests
{
    [Fact]
    public async Task Grafana_reads_the_dashboard_columns_but_no_key_and_writes_nothing()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        using (new PostgresCloudStore(Options.Create(new StoreOptions { Postgres = db.ConnectionString }), NullLogger<PostgresCloudStore>.Instance))
        {
        }
        await db.QueryAsync("INSERT INTO modems (modem_id, nickname, protocol, master_key, registered_at) VALUES ('00000000000004d2', 'pi', 'v2', '\\x000102', now())");
        await RunPsqlAsync(db.ConnectionString, Path.Combine(RepositoryRoot(), "cloud", "deploy", "postgres", "grafana-role.sql"));

        var grafana = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = "simiot_grafana", Password = "grafana-secret" }.ToString();
        await using var connection = new NpgsqlConnection(grafana);
        await connection.OpenAsync();
        await using (var dashboard = new NpgsqlCommand("SELECT modem_id, nickname, protocol, carrier, last_seen FROM modems WHERE deleted_at IS NULL", connection))
            Assert.Equal("00000000000004d2", await dashboard.ExecuteScalarAsync());
        await using (var telemetry = new NpgsqlCommand("SELECT count(*) FROM telemetry", connection))
            Assert.Equal(0L, await telemetry.ExecuteScalarAsync());

        await using var key = new NpgsqlCommand("SELECT master_key FROM modems", connection);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => key.ExecuteScalarAsync())).SqlState);
        await using var write = new NpgsqlCommand("DELETE FROM telemetry", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
        Assert.Contains(refused.SqlState, new[] { PostgresErrorCodes.InsufficientPrivilege, PostgresErrorCodes.ReadOnlySqlTransaction });
    }

    private static async Task RunPsqlAsync(string connectionString, string script)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var psi = new ProcessStartInfo("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "grafana_password=grafana-secret", "-f", script])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        psi.Environment["PGHOST"] = b.Host;
        psi.Environment["PGPORT"] = b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["PGUSER"] = b.Username;
        psi.Environment["PGDATABASE"] = b.Database;
        using var psql = Process.Start(psi)!;
        var stderr = psql.StandardError.ReadToEndAsync();
        await psql.StandardOutput.ReadToEndAsync();
        await psql.WaitForExitAsync();
        Assert.True(psql.ExitCode == 0, $"psql failed: {await stderr}");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SimIoT.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SimIoT.slnx not found above " + AppContext.BaseDirectory);
    }
}
