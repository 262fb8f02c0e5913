using Npgsql;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>
/// A fresh database on the PostgreSQL that ./simiot test starts (SIMIOT_TEST_POSTGRES). Without
/// it the test fails: a store test that skips would pass vacuously.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name = $"simiot_test_{Guid.NewGuid():N}";

    private PostgresDatabase(string admin, string connectionString)
    {
        _admin = admin;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("SIMIOT_TEST_POSTGRES");
        Assert.False(string.IsNullOrWhiteSpace(admin),
            "SIMIOT_TEST_POSTGRES is not set: run the tests with ./simiot test, which starts a throwaway PostgreSQL cluster, or point it at a server");
        var database = new PostgresDatabase(admin!, "");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database._name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new PostgresDatabase(admin!, new NpgsqlConnectionStringBuilder(admin) { Database = database._name, Pooling = false }.ToString());
    }

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(row);
        }
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
