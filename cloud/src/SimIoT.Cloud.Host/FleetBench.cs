using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Postgres;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Host;

/// <summary>
/// 'fleet-bench': registers a fleet in the store (SQLite under --data, or PostgreSQL under
/// --postgres), in an organization of its own, and prints how long the fleet queries take.
/// </summary>
public static class FleetBench
{
    private static readonly string[] Carriers = ["AT&T", "T-Mobile", "Verizon", "Disconnect"];

    public static void Add(RootCommand root, Option<string?> data, Option<string?> postgres)
    {
        var modems = new Option<int>("--modems") { Description = "modems to register (default 100000)", DefaultValueFactory = _ => 100_000 };
        var runs = new Option<int>("--runs") { Description = "times each query runs (default 50)", DefaultValueFactory = _ => 50 };
        var bench = new Command("fleet-bench", "Register a fleet in the store and print the fleet queries' times (first page, filtered page, count).") { modems, runs };
        bench.SetAction((r, ct) => RunAsync(r.GetValue(data), r.GetValue(postgres), r.GetValue(modems), r.GetValue(runs), ct));
        root.Subcommands.Add(bench);
    }

    private static async Task<int> RunAsync(string? dataDir, string? connection, int count, int runs, CancellationToken ct)
    {
        var options = Options.Create(new StoreOptions { DataDir = dataDir ?? new StoreOptions().DataDir, Postgres = connection, Init = true });
        bool sqlite = string.IsNullOrWhiteSpace(connection);
        using var disposable = sqlite ? (IDisposable)new SqliteCloudStore(options) : new PostgresCloudStore(options, NullLogger<PostgresCloudStore>.Instance);
        var store = (IFleetStore)disposable;
        var organization = $"bench-{DateTime.UtcNow:HHmmss}";
        var now = DateTime.UtcNow;
        ulong first = (ulong)Random.Shared.NextInt64(1, 1L << 40) << 20;
        var fleet = Enumerable.Range(0, count).Select(i => new ModemRecord(
            new ModemId(first + (ulong)i), $"{(i % 2 == 0 ? "pump" : "valve")}-{i:D6}", i % 10 == 0 ? ModemProtocol.V1 : ModemProtocol.V2, null, now,
            Carrier: Carriers[i % 4], LastSeen: i % 3 == 0 ? now.AddSeconds(-(i % 50)) : now.AddHours(-1).AddSeconds(-i),
            Organization: organization, Tags: i % 8 == 0 ? ["north"] : ["south"])).ToList();
        var insert = Stopwatch.StartNew();
        for (int i = 0; i < fleet.Count; i += 10_000) await store.AddModemsAsync(fleet.GetRange(i, Math.Min(10_000, fleet.Count - i)), ct);
        Console.WriteLine($"fleet-bench: {(sqlite ? "SQLite" : "PostgreSQL")}, {count} modems registered in {insert.Elapsed.TotalSeconds:F1} s (organization {organization}), {runs} runs each");

        var all = new ModemFilter(organization, FreshAfter: now.AddSeconds(-60));
        var filtered = all with { Carrier = "Verizon", Fresh = true, Tag = "south" };
        var deep = await store.QueryModemsAsync(all, ModemSort.Id, null, count / 2, ct);
        var middle = ModemCursor.After(deep[^1], ModemSort.Id);
        await MeasureAsync("first page (100 by id)", runs, () => store.QueryModemsAsync(all, ModemSort.Id, null, 101, ct));
        await MeasureAsync("first page (100 by lastSeen)", runs, () => store.QueryModemsAsync(all, ModemSort.LastSeen, null, 101, ct));
        await MeasureAsync("first page (100 by nickname)", runs, () => store.QueryModemsAsync(all, ModemSort.Nickname, null, 101, ct));
        await MeasureAsync("page in the middle (100 by id, cursor)", runs, () => store.QueryModemsAsync(all, ModemSort.Id, middle, 101, ct));
        await MeasureAsync("filtered page (carrier, link, tag)", runs, () => store.QueryModemsAsync(filtered, ModemSort.Id, null, 101, ct));
        await MeasureAsync("search page (q=valve-0999)", runs, () => store.QueryModemsAsync(all with { Query = "valve-0999" }, ModemSort.Id, null, 101, ct));
        await MeasureAsync("search page (q=valve, half the fleet)", runs, () => store.QueryModemsAsync(all with { Query = "valve" }, ModemSort.Id, null, 101, ct));
        await MeasureAsync("search page (q=va, two characters)", runs, () => store.QueryModemsAsync(all with { Query = "va" }, ModemSort.Id, null, 101, ct));
        await MeasureAsync("search page (q=0999 by nickname, hex: id prefix or nickname)", runs, () => store.QueryModemsAsync(all with { Query = "0999" }, ModemSort.Nickname, null, 101, ct));
        await MeasureAsync("count (all)", runs, () => store.CountModemsAsync(all, ct));
        await MeasureAsync("count (q=valve-0999)", runs, () => store.CountModemsAsync(all with { Query = "valve-0999" }, ct));
        await MeasureAsync("count (q=valve, half the fleet)", runs, () => store.CountModemsAsync(all with { Query = "valve" }, ct));
        await MeasureAsync("count (carrier, link, tag)", runs, () => store.CountModemsAsync(filtered, ct));
        return 0;
    }

    private static async Task MeasureAsync<T>(string what, int runs, Func<Task<T>> query)
    {
        await query();
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await query();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        Console.WriteLine($"{what}: median {times[runs / 2]:F2} ms, p95 {times[Math.Min(runs - 1, runs * 95 / 100)]:F2} ms");
    }
}
