using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using SimIoT.Cloud.Postgres;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Store;

/// <summary>The store on real PostgreSQL (Debian's server, started by ./simiot test), and the Grafana SQL on it.</summary>
public class PostgresStoreTests
{
    [Fact]
    public async Task Cloud_on_postgres_stores_queries_downsamples_and_tracks_commands_and_migrates_once()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        string modemId;
        await using (var cloud = await CloudHarness.StartAsync(postgres: db))
        {
            var modem = await cloud.AddModemAsync(0x6001, "pg modem");
            modemId = modem.Id.ToString();
            var t0 = new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
            for (int i = 0; i < 300; i++) modem.SendReading(1, t0.AddMilliseconds(100 * i), i, -i, 1000);
            for (int i = 0; i < 10; i++) modem.SendReading(3, t0.AddSeconds(i), 2000 + i);
            var all = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modemId}/telemetry/imu?maxPoints=1000"), j => j.GetArrayLength() == 300, "300 imu points");
            Assert.Equal("2026-11-24T10:00:00.100000", all[1].GetProperty("timestamp").GetString());
            Assert.Equal([1, -1, 1000], all[1].GetProperty("values").EnumerateArray().Select(v => v.GetInt32()));
            var sampled = await cloud.GetJsonAsync($"/api/modems/{modemId}/telemetry/imu?maxPoints=30");
            Assert.InRange(sampled.GetArrayLength(), 25, 30);
            Assert.Equal(5, sampled[0].GetProperty("data").GetInt32()); // the first bucket holds 0..9: its average 4.5 is rounded away from zero
            var window = await cloud.GetJsonAsync($"/api/modems/{modemId}/telemetry/temp?from=2026-11-24T10:00:02&to=2026-11-24T10:00:04");
            Assert.Equal([2002, 2003, 2004], window.EnumerateArray().Select(p => p.GetProperty("data").GetInt32()));

            modem.SendData();
            var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modemId}/carrier-switch", new { carrier = "Verizon" });
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
            await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/commands/{id}"), j => j.GetProperty("state").GetString() == "acked", "acked");
            await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modemId}"), j => j.GetProperty("carrier").GetString() == "Verizon", "carrier stored");
        }
        // A second start on the same database: the schema is already there, the data too.
        await using (var again = await CloudHarness.StartAsync(postgres: db))
        {
            var modem = await again.GetJsonAsync($"/api/modems/{modemId}");
            Assert.Equal("Verizon", modem.GetProperty("carrier").GetString());
        }
        var versions = await db.QueryAsync("SELECT version FROM schema_version");
        Assert.Equal(PostgresSchema.Migrations.Count, versions.Count); // each migration applied once
    }

    [Fact]
    public async Task Every_grafana_query_runs_on_the_schema_and_finds_the_data()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await using var cloud = await CloudHarness.StartAsync(postgres: db);
        var modem = await cloud.AddModemAsync(0x6002, "grafana modem");
        var now = DateTime.UtcNow;
        modem.SendReading(3, now, 2150);
        modem.SendReading(1, now, 1, 2, 3);
        modem.SendReading(2, now, 4, 5, 6);
        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" });
        response.EnsureSuccessStatusCode();
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/commands"), j => j[0].GetProperty("state").GetString() == "acked", "acked");
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/gyro"), j => j.GetArrayLength() == 1, "stored");

        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "grafana", "simiot.json")));
        var queries = new List<(string Title, string Sql)>();
        foreach (var variable in dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
            queries.Add(($"variable {variable.GetProperty("name").GetString()}", variable.GetProperty("query").GetString()!));
        // The SQL panels; the operations row reads Prometheus (Metrics/MetricsExportTests checks its series).
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.TryGetProperty("targets", out _)))
            foreach (var target in panel.GetProperty("targets").EnumerateArray().Where(t => t.TryGetProperty("rawSql", out _)))
                queries.Add((panel.GetProperty("title").GetString()!, target.GetProperty("rawSql").GetString()!));
        Assert.True(queries.Count >= 7);
        foreach (var (title, sql) in queries)
        {
            var rows = await db.QueryAsync(Expand(sql, modem.Id.ToString(), now.AddHours(-1), now.AddMinutes(1)));
            Assert.True(rows.Count > 0, $"Grafana query of '{title}' found no row: {sql}");
        }
    }

    // What Grafana's PostgreSQL data source does with the macros and variables the dashboard uses.
    private static string Expand(string sql, string modem, DateTime from, DateTime to)
    {
        string Stamp(DateTime t) => "'" + t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + "'";
        sql = Regex.Replace(sql, @"\$__timeFilter\((\w+)\)", m => $"{m.Groups[1].Value} BETWEEN {Stamp(from)} AND {Stamp(to)}");
        sql = sql.Replace("${modem}", modem, StringComparison.Ordinal).Replace("$modem", modem, StringComparison.Ordinal);
        Assert.DoesNotContain("$", sql);
        return sql;
    }
}
