using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Api;

/// <summary>GET /api/modems as pages (keyset cursor, Link rel="next"), its filters, orders and counts, on both stores.</summary>
public class FleetApiTests
{
    private static readonly string[] Carriers = ["AT&T", "T-Mobile", "Verizon", "Disconnect"];

    /// <summary>
    /// A varied fleet: every 10th modem a legacy v1, carriers in turn (every 5th none), every 3rd
    /// seen just now (fresh), the others an hour ago or never, tags north/south, nicknames pump/valve.
    /// </summary>
    internal static List<ModemRecord> Fleet(int count, ulong firstId, DateTime now, string organization = OrganizationNames.Default) =>
        [.. Enumerable.Range(0, count).Select(i => new ModemRecord(
            new ModemId(i % 10 == 0 ? 0xff00_0000_0000_0000 | (firstId + (ulong)i) : firstId + (ulong)i),
            (i % 2 == 0 ? "pump-" : "Valve-") + (count - i).ToString("D6"),
            i % 10 == 0 ? ModemProtocol.V1 : ModemProtocol.V2,
            null, now.AddDays(-1),
            Carrier: i % 5 == 0 ? null : Carriers[i % 4],
            LastSeen: i % 3 == 0 ? now.AddSeconds(-1 - i % 7) : i % 3 == 1 ? now.AddHours(-1).AddMilliseconds(-i) : null,
            Organization: organization,
            Tags: i % 4 == 0 ? ["north", "site:7"] : ["south"]))];

    private static List<string> Expected(IEnumerable<ModemRecord> modems) => [.. modems.Select(m => m.Id.ToString()).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pages_filters_sorts_and_counts_only_the_callers_organization(bool postgres)
    {
        await using var fleet = await FleetCloud.StartAsync(postgres);
        var now = DateTime.UtcNow;
        var modems = Fleet(230, 0x1000, now);
        modems.Add(new ModemRecord(new ModemId(0x2000), "50% off_valve", ModemProtocol.V2, null, now, Tags: ["sale"]));
        await fleet.Store.AddModemsAsync(modems, CancellationToken.None);
        await fleet.Store.AddModemsAsync(Fleet(20, 0x5000, now, "globex"), CancellationToken.None);

        // Pages of 7 by id: every modem of the organization once, in order, none of globex's.
        var all = await fleet.AllPagesAsync("?limit=7");
        Assert.Equal(Expected(modems), FleetCloud.Ids(all));
        Assert.Equal(modems.Count, await fleet.CountAsync(""));
        var first = all.First(r => r.GetProperty("id").GetString() == "0000000000001004");
        Assert.Equal(["north", "site:7"], first.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("downlinkEndpoint").ValueKind);

        // The default page is 100; the last page has no Link.
        using (var page = await fleet.Cloud.Http.GetAsync("/api/modems"))
        {
            Assert.Equal(100, (await page.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
            Assert.StartsWith("/api/modems?cursor=", FleetCloud.NextOf(page));
        }
        using (var page = await fleet.Cloud.Http.GetAsync("/api/modems?limit=1000"))
            Assert.Null(FleetCloud.NextOf(page));

        var cases = new (string Query, Func<ModemRecord, bool> Match)[]
        {
            ("?carrier=Verizon", m => m.Carrier == "Verizon"),
            ("?carrier=AT%26T&protocol=v2", m => m.Carrier == "AT&T" && m.Protocol == ModemProtocol.V2),
            ("?protocol=v1", m => m.Protocol == ModemProtocol.V1),
            ("?link=fresh", m => m.LastSeen > now.AddSeconds(-30)),
            ("?link=stale", m => m.LastSeen is null || m.LastSeen < now.AddSeconds(-30)),
            ("?tag=north", m => m.Tags!.Contains("north")),
            ("?tag=site:7&link=fresh", m => m.Tags!.Contains("site:7") && m.LastSeen > now.AddSeconds(-30)),
            ("?q=PUMP", m => m.Nickname.StartsWith("pump", StringComparison.Ordinal)),
            ("?q=valve-0001", m => m.Nickname.Contains("valve-0001", StringComparison.OrdinalIgnoreCase)),
            ("?q=00000000000010A", m => m.Id.ToString().StartsWith("00000000000010a", StringComparison.Ordinal)),
            ("?q=%25", m => m.Nickname.Contains('%')),
            ("?q=_", m => m.Nickname.Contains('_')),
        };
        foreach (var (query, match) in cases)
        {
            var expected = Expected(modems.Where(match));
            Assert.True(expected.Count > 0, query);
            Assert.Equal(expected, FleetCloud.Ids(await fleet.AllPagesAsync(query + "&limit=9")));
            Assert.Equal(expected.Count, await fleet.CountAsync(query));
        }

        // Nickname ascending, then id; last seen newest first, never seen last, then id descending.
        var byNickname = modems.OrderBy(m => m.Nickname, StringComparer.Ordinal).ThenBy(m => m.Id.ToString(), StringComparer.Ordinal).Select(m => m.Id.ToString());
        Assert.Equal(byNickname, FleetCloud.Ids(await fleet.AllPagesAsync("?sort=nickname&limit=11")));
        var byLastSeen = modems.OrderByDescending(m => m.LastSeen ?? DateTime.MinValue).ThenByDescending(m => m.Id.ToString(), StringComparer.Ordinal).Select(m => m.Id.ToString());
        var lastSeenPages = await fleet.AllPagesAsync("?sort=lastSeen&limit=13");
        Assert.Equal(byLastSeen, FleetCloud.Ids(lastSeenPages));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=WzAsIngiLG51bGwsbnVsbF0", "cursor")]
    [InlineData("sort=size", "sort")]
    [InlineData("link=warm", "link")]
    [InlineData("protocol=v3", "protocol")]
    [InlineData("carrier=Sprint", "carrier")]
    [InlineData("tag=a%20b", "tag")]
    public async Task Bad_queries_are_problem_details_naming_the_field(string query, string field)
    {
        await using var cloud = await CloudHarness.StartAsync();
        using var response = await cloud.Http.GetAsync("/api/modems?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        if (field is not ("limit" or "cursor" or "sort"))
            Assert.Equal(HttpStatusCode.BadRequest, (await cloud.Http.GetAsync("/api/modems/count?" + query)).StatusCode);
    }

    [Fact]
    public async Task A_cursor_of_another_sort_is_refused()
    {
        await using var fleet = await FleetCloud.StartAsync(postgres: false);
        await fleet.Store.AddModemsAsync(Fleet(5, 0x10, DateTime.UtcNow), CancellationToken.None);
        using var page = await fleet.Cloud.Http.GetAsync("/api/modems?limit=2");
        var next = FleetCloud.NextOf(page)!;
        Assert.Equal(HttpStatusCode.OK, (await fleet.Cloud.Http.GetAsync(next)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fleet.Cloud.Http.GetAsync(next + "&sort=nickname")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_describes_paging_filters_count_and_patch()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var paths = (await cloud.GetJsonAsync("/openapi/v1.json")).GetProperty("paths");
        var list = paths.GetProperty("/api/modems").GetProperty("get");
        var parameters = list.GetProperty("parameters").EnumerateArray().Select(p => (p.GetProperty("name").GetString(), p.GetProperty("in").GetString())).ToList();
        foreach (var name in new[] { "limit", "cursor", "q", "carrier", "link", "protocol", "tag", "sort" })
            Assert.Contains((name, "query"), parameters);
        Assert.Contains("Link", list.GetProperty("summary").GetString());
        var count = paths.GetProperty("/api/modems/count").GetProperty("get");
        Assert.Contains(("tag", "query"), count.GetProperty("parameters").EnumerateArray().Select(p => (p.GetProperty("name").GetString(), p.GetProperty("in").GetString())));
        var patch = paths.GetProperty("/api/modems/{id}").GetProperty("patch");
        Assert.True(patch.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
    }
}
