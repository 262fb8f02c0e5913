using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Tests.Api;

/// <summary>POST /api/bulk-commands and its summary, against real SIMs on UDP, on both stores.</summary>
public class BulkCommandsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Listed_and_filtered_modems_get_one_command_each_and_the_summary_counts_them_to_acked_and_nacked(bool postgres)
    {
        await using var fleet = await FleetCloud.StartAsync(postgres);
        var cloud = fleet.Cloud;
        using var globex = cloud.Client(await cloud.CreateTokenAsync("globex", Roles.Admin, "globex-admin"));
        var agreeable = await cloud.AddModemAsync(0xb01, "north-1");
        var refusing = await cloud.AddModemAsync(0xb02, "north-2");
        var untouched = await cloud.AddModemAsync(0xb03, "south-1");
        var foreign = await cloud.AddModemAsync(0xb04, "north-globex", globex);
        refusing.Refused.Add(Carrier.Verizon);

        // By id: the modems have not been heard yet, so both commands wait queued.
        var byId = await PostAsync(cloud.Http, new { carrier = "Verizon", modems = new[] { agreeable.Id.ToString(), refusing.Id.ToString(), agreeable.Id.ToString() } });
        Assert.Equal(2, byId.GetProperty("total").GetInt32());
        long first = byId.GetProperty("id").GetInt64();
        var queued = await SummaryAsync(cloud.Http, first);
        Assert.Equal(2, queued.GetProperty("total").GetInt32());
        Assert.Equal(2, State(queued, "queued"));
        Assert.False(queued.GetProperty("done").GetBoolean());
        Assert.Equal("Verizon", queued.GetProperty("carrier").GetString());
        // Each is an ordinary command of its modem.
        var command = (await cloud.GetJsonAsync($"/api/modems/{agreeable.Id}/commands"))[0];
        Assert.Equal(("Verizon", "queued"), (command.GetProperty("carrier").GetString(), command.GetProperty("state").GetString()));

        agreeable.SendData();
        refusing.SendData();
        var finished = await Eventually.ValueAsync(() => SummaryAsync(cloud.Http, first), s => s.GetProperty("done").GetBoolean(), "the bulk is done", TimeSpan.FromSeconds(60));
        Assert.Equal((1, 1, 0, 0, 0), (State(finished, "acked"), State(finished, "nacked"), State(finished, "queued"), State(finished, "sent"), State(finished, "timed-out")));
        Assert.Equal(0, finished.GetProperty("open").GetInt32());
        Assert.Equal("Verizon", (await cloud.GetJsonAsync($"/api/modems/{agreeable.Id}")).GetProperty("carrier").GetString());

        // By filter: only this organization's modems matching it; the foreign "north" modem is never touched.
        var byFilter = await PostAsync(cloud.Http, new { carrier = "T-Mobile", filter = new { q = "north" } });
        Assert.Equal(2, byFilter.GetProperty("total").GetInt32());
        long second = byFilter.GetProperty("id").GetInt64();
        agreeable.SendData();
        refusing.SendData();
        var acked = await Eventually.ValueAsync(() => SummaryAsync(cloud.Http, second), s => s.GetProperty("done").GetBoolean(), "the second bulk is done", TimeSpan.FromSeconds(60));
        Assert.Equal((2, 2), (acked.GetProperty("total").GetInt32(), State(acked, "acked")));
        Assert.Equal("modems matching q=north", acked.GetProperty("selection").GetString());
        Assert.Empty((await cloud.GetJsonAsync($"/api/modems/{untouched.Id}/commands")).EnumerateArray());
        Assert.Empty((await globex.GetFromJsonAsync<JsonElement>($"/api/modems/{foreign.Id}/commands")).EnumerateArray());

        // Audited once per bulk, with the acting token.
        var audit = (await cloud.GetJsonAsync("/api/audit")).EnumerateArray().Where(a => a.GetProperty("action").GetString() == "bulk-carrier-switch.requested").ToList();
        Assert.Equal([$"bulk {second}", $"bulk {first}"], audit.Select(a => a.GetProperty("target").GetString()));
        Assert.Equal("2 modems to T-Mobile", audit[0].GetProperty("detail").GetString());
        Assert.Equal("token:harness", audit[0].GetProperty("actor").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_modem_at_its_queue_cap_is_skipped_and_the_answer_says_how_many(bool postgres)
    {
        await using var db = postgres ? await PostgresDatabase.CreateAsync() : null;
        var settings = new Dictionary<string, string?> { ["Commands:MaxQueuedPerModem"] = "2" };
        await using var cloud = await CloudHarness.StartAsync(settings, postgres: db);
        var full = await cloud.AddModemAsync(0xb31, "full");
        var free = await cloud.AddModemAsync(0xb32, "free");
        // Never heard, so its two commands stay queued: the modem is at the cap.
        for (int i = 0; i < 2; i++)
            using (var single = await cloud.Http.PostAsJsonAsync($"/api/modems/{full.Id}/carrier-switch", new { carrier = "Verizon" }))
                Assert.Equal(HttpStatusCode.Accepted, single.StatusCode);

        var accepted = await PostAsync(cloud.Http, new { carrier = "T-Mobile", modems = new[] { full.Id.ToString(), free.Id.ToString() } });
        Assert.Equal((1, 1), (accepted.GetProperty("total").GetInt32(), accepted.GetProperty("skipped").GetInt32()));
        Assert.Equal(2, (await cloud.GetJsonAsync($"/api/modems/{full.Id}/commands")).GetArrayLength());
        Assert.Equal("T-Mobile", (await cloud.GetJsonAsync($"/api/modems/{free.Id}/commands"))[0].GetProperty("carrier").GetString());
        var audit = (await cloud.GetJsonAsync("/api/audit")).EnumerateArray().First(a => a.GetProperty("action").GetString() == "bulk-carrier-switch.requested");
        Assert.Equal("1 modems to T-Mobile, 1 skipped (at the queue cap)", audit.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Viewers_are_refused_and_another_organization_neither_reaches_nor_learns_of_the_modems_or_the_bulk()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xb21, "ours");
        using var viewer = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Viewer, "wall"));
        using var globex = cloud.Client(await cloud.CreateTokenAsync("globex", Roles.Operator, "globex-op"));

        using (var refused = await viewer.PostAsJsonAsync("/api/bulk-commands", new { carrier = "Verizon", modems = new[] { modem.Id.ToString() } }))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // Our modem, named by another organization, is answered exactly as a modem never registered.
        var ours = await ProblemAsync(globex, new { carrier = "Verizon", modems = new[] { modem.Id.ToString() } }, "modems");
        var nobody = await ProblemAsync(globex, new { carrier = "Verizon", modems = new[] { "00000000000fffff" } }, "modems");
        Assert.Equal(ours.GetProperty("detail").GetString()!.Replace(modem.Id.ToString(), "X"), nobody.GetProperty("detail").GetString()!.Replace("00000000000fffff", "X"));
        // Its filter for the whole fleet finds none of ours.
        await ProblemAsync(globex, new { carrier = "Verizon", filter = new { } }, "filter");

        var bulk = await PostAsync(cloud.Http, new { carrier = "Verizon", modems = new[] { modem.Id.ToString() } });
        long id = bulk.GetProperty("id").GetInt64();
        using (var hidden = await globex.GetAsync($"/api/bulk-commands/{id}"))
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using (var missing = await cloud.Http.GetAsync($"/api/bulk-commands/{id + 1000}"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(1, (await viewer.GetFromJsonAsync<JsonElement>($"/api/bulk-commands/{id}")).GetProperty("total").GetInt32());
        Assert.Single((await cloud.GetJsonAsync($"/api/modems/{modem.Id}/commands")).EnumerateArray());
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { """{"carrier":"Vodafone","modems":["0000000000000b31"]}""", "carrier" },
        { """{"modems":["0000000000000b31"]}""", "carrier" },
        { """{"carrier":"Verizon"}""", "modems" },
        { """{"carrier":"Verizon","modems":["0000000000000b31"],"filter":{}}""", "modems" },
        { """{"carrier":"Verizon","modems":[]}""", "modems" },
        { """{"carrier":"Verizon","modems":["b31"]}""", "modems" },
        { """{"carrier":"Verizon","modems":["0x00000000000b31"]}""", "modems" },
        { """{"carrier":"Verizon","modems":[null]}""", "modems" },
        { """{"carrier":"Verizon","modems":["0000000000000b31","0000000000000b99"]}""", "modems" },
        { """{"carrier":"Verizon","filter":{"q":"nobody-has-this"}}""", "filter" },
        { """{"carrier":"Verizon","filter":{"link":"sideways"}}""", "link" },
        { """{"carrier":"Verizon","filter":{"carrier":"Vodafone"}}""", "carrier" },
        { """{"carrier":"Verizon","filter":{"tag":"no spaces"}}""", "tag" },
    };

    [Fact]
    public async Task Bad_requests_are_problem_details_naming_the_field_and_queue_nothing()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xb31, "bad-input");
        foreach (var (body, field) in BadRequests.Select(r => ((string)r[0], (string)r[1])))
        {
            using var response = await cloud.Http.PostAsync("/api/bulk-commands", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, field, body);
        }
        var tooMany = Enumerable.Range(0, 1001).Select(i => $"{0xc000 + i:x16}").ToArray();
        await ProblemAsync(cloud.Http, new { carrier = "Verizon", modems = tooMany }, "modems");
        foreach (var body in new[] { "{", """{"carrier":"Verizon","modems":"0000000000000b31"}""", """{"carrier":1}""" })
        {
            using var response = await cloud.Http.PostAsync("/api/bulk-commands", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        foreach (var id in new[] { "abc", "0", "-1", "01", "99999999999999999999" })
        {
            using var response = await cloud.Http.GetAsync($"/api/bulk-commands/{id}");
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "id", id);
        }
        Assert.Empty((await cloud.GetJsonAsync($"/api/modems/{modem.Id}/commands")).EnumerateArray());
        Assert.Empty(cloud.Errors.Errors);
    }

    [Fact]
    public async Task OpenApi_describes_the_bulk_request_and_its_summary()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var document = await cloud.GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        var post = paths.GetProperty("/api/bulk-commands").GetProperty("post");
        Assert.Contains("filter", post.GetProperty("summary").GetString());
        Assert.True(post.GetProperty("responses").TryGetProperty("202", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("400", out _));
        var get = paths.GetProperty("/api/bulk-commands/{id}").GetProperty("get");
        Assert.True(get.GetProperty("responses").TryGetProperty("200", out _));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal(["carrier", "modems", "filter"], schemas.GetProperty("BulkCommandRequest").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["q", "carrier", "link", "protocol", "tag"], schemas.GetProperty("FleetQuery").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        var summary = schemas.GetProperty("BulkCommandSummary").GetProperty("properties");
        foreach (var name in new[] { "total", "open", "done", "states" }) Assert.True(summary.TryGetProperty(name, out _), $"the summary schema lacks {name}");
    }

    internal static async Task<JsonElement> PostAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/bulk-commands", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {text}");
        var accepted = JsonDocument.Parse(text).RootElement;
        Assert.Equal($"/api/bulk-commands/{accepted.GetProperty("id").GetInt64()}", response.Headers.Location?.ToString());
        return accepted;
    }

    internal static async Task<JsonElement> SummaryAsync(HttpClient client, long id) => await client.GetFromJsonAsync<JsonElement>($"/api/bulk-commands/{id}");

    internal static int State(JsonElement summary, string state) => summary.GetProperty("states").GetProperty(state).GetInt32();

    private static async Task<JsonElement> ProblemAsync(HttpClient client, object body, string field)
    {
        using var response = await client.PostAsJsonAsync("/api/bulk-commands", body);
        return await AssertProblemAsync(response, HttpStatusCode.BadRequest, field, JsonSerializer.Serialize(body));
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{what}: {text}");
        return problem;
    }
}
