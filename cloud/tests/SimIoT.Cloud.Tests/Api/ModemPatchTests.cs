using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Api;

/// <summary>PATCH /api/modems/{id}: rename and tag (operator), audited, validated, only in the caller's organization.</summary>
public class ModemPatchTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Renames_and_tags_a_modem_which_the_tag_filter_then_finds_and_the_audit_records(bool postgres)
    {
        await using var fleet = await FleetCloud.StartAsync(postgres);
        var cloud = fleet.Cloud;
        var modem = await cloud.AddModemAsync(0xa1, "before");
        await cloud.AddModemAsync(0xa2, "other");
        var path = $"/api/modems/{modem.Id}";

        var patched = await cloud.Http.PatchAsJsonAsync(path, new { nickname = " after ", tags = new[] { "north", "site:7", "north" } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var body = await patched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("after", body.GetProperty("nickname").GetString());
        Assert.Equal(["north", "site:7"], body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal([modem.Id.ToString()], FleetCloud.Ids(await fleet.AllPagesAsync("?tag=site:7")));
        Assert.Equal(1, await fleet.CountAsync("?tag=north&q=AFT"));
        Assert.Equal("after", (await cloud.GetJsonAsync(path)).GetProperty("nickname").GetString());

        // Only what the body names changes: tags alone keep the nickname; an empty list clears them.
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.PatchAsJsonAsync(path, new { tags = Array.Empty<string>() })).StatusCode);
        var now = await cloud.GetJsonAsync(path);
        Assert.Equal("after", now.GetProperty("nickname").GetString());
        Assert.Equal(0, now.GetProperty("tags").GetArrayLength());
        Assert.Equal(0, await fleet.CountAsync("?tag=north"));

        var audit = (await cloud.GetJsonAsync("/api/audit")).EnumerateArray().Select(a => (a.GetProperty("action").GetString(), a.GetProperty("detail").GetString())).ToList();
        Assert.Contains(("modem.renamed", "from before to after"), audit);
        Assert.Contains(("modem.tagged", "tags north site:7"), audit);
        Assert.Contains(("modem.tagged", "no tags"), audit);

        using var operatorClient = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Operator, "op"));
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PatchAsJsonAsync(path, new { nickname = "by operator" })).StatusCode);
        await AssertProblemAsync(await operatorClient.PatchAsJsonAsync(path, new { downlinkEndpoint = "127.0.0.1:6002" }), HttpStatusCode.Forbidden);
        using var viewer = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Viewer, "viewer"));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PatchAsJsonAsync(path, new { nickname = "by viewer" })).StatusCode);
        using var globex = cloud.Client(await cloud.CreateTokenAsync("globex", Roles.Admin, "globex-admin"));
        await AssertProblemAsync(await globex.PatchAsJsonAsync(path, new { nickname = "stolen" }), HttpStatusCode.NotFound);
        Assert.Equal("by operator", (await cloud.GetJsonAsync(path)).GetProperty("nickname").GetString());
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"nickname": ""}""", "nickname" },
        { """{"nickname": "a\u0007b"}""", "nickname" },
        { $$"""{"nickname": "{{new string('n', 65)}}"}""", "nickname" },
        { $$"""{"tags": [{{string.Join(',', Enumerable.Range(0, 17).Select(i => $"\"t{i}\""))}}]}""", "tags" },
        { """{"tags": ["a b"]}""", "tags" },
        { """{"tags": [""]}""", "tags" },
        { """{"tags": [null]}""", "tags" },
        { $$"""{"tags": ["{{new string('t', 33)}}"]}""", "tags" },
        { """{"downlinkEndpoint": "127.0.0.1:6002"}""", "downlinkEndpoint" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_patches_are_problem_details_and_change_nothing(string json, string field)
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xb1, "kept");
        var response = await cloud.Http.PatchAsync($"/api/modems/{modem.Id}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal("kept", (await cloud.GetJsonAsync($"/api/modems/{modem.Id}")).GetProperty("nickname").GetString());
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
