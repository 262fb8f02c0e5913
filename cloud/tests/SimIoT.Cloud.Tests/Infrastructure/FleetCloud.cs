using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>A cloud on SQLite or on a fresh PostgreSQL database, with helpers to walk the fleet's pages.</summary>
public sealed class FleetCloud : IAsyncDisposable
{
    private readonly PostgresDatabase? _database;

    private FleetCloud(CloudHarness cloud, PostgresDatabase? database)
    {
        Cloud = cloud;
        _database = database;
    }

    public CloudHarness Cloud { get; }

    public IFleetStore Store => Cloud.App.Services.GetRequiredService<IFleetStore>();

    public static async Task<FleetCloud> StartAsync(bool postgres)
    {
        var database = postgres ? await PostgresDatabase.CreateAsync() : null;
        // Fresh for half an hour: the fleets' "seen seconds ago" stay fresh and "an hour ago" stale
        // however long a test takes on a busy machine.
        var settings = new Dictionary<string, string?> { ["Gateway:LinkFreshness"] = "00:30:00" };
        return new FleetCloud(await CloudHarness.StartAsync(settings, postgres: database), database);
    }

    /// <summary>Every page of <paramref name="query"/>, following Link rel="next"; <paramref name="between"/> runs after each page.</summary>
    public async Task<List<JsonElement>> AllPagesAsync(string query, Func<Task>? between = null)
    {
        var rows = new List<JsonElement>();
        string? next = "/api/modems" + query;
        while (next is not null)
        {
            using var response = await Cloud.Http.GetAsync(next);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {next}: {(int)response.StatusCode} {body}");
            rows.AddRange(JsonDocument.Parse(body).RootElement.EnumerateArray().Select(e => e.Clone()));
            next = NextOf(response);
            if (between is not null) await between();
        }
        return rows;
    }

    /// <summary>The target of the Link header's rel="next", or null on the last page.</summary>
    public static string? NextOf(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        var link = Assert.Single(values);
        Assert.EndsWith(">; rel=\"next\"", link);
        return link[1..link.IndexOf('>')];
    }

    public static List<string> Ids(IEnumerable<JsonElement> rows) => rows.Select(r => r.GetProperty("id").GetString()!).ToList();

    public async Task<long> CountAsync(string query) => (await Cloud.GetJsonAsync("/api/modems/count" + query)).GetProperty("count").GetInt64();

    public async ValueTask DisposeAsync()
    {
        await Cloud.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}
