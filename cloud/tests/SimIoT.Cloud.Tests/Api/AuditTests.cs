using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Api;

public class AuditTests
{
    [Fact]
    public async Task Every_change_is_audited_with_the_acting_token_and_address_for_its_organizations_admins_only()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xe1, "audited");
        Assert.Equal(HttpStatusCode.Accepted, (await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await cloud.Http.DeleteAsync($"/api/modems/{modem.Id}")).StatusCode);

        var audit = await cloud.GetJsonAsync("/api/audit");
        Assert.Equal(["modem.deleted", "carrier-switch.requested", "modem.registered"], audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()));
        foreach (var entry in audit.EnumerateArray())
        {
            Assert.Equal("token:harness", entry.GetProperty("actor").GetString());
            Assert.Equal(modem.Id.ToString(), entry.GetProperty("target").GetString());
            Assert.Equal("127.0.0.1", entry.GetProperty("address").GetString());
        }
        // Paged newest first: one at a time, on from the last id seen.
        var first = await cloud.GetJsonAsync("/api/audit?limit=1");
        var next = await cloud.GetJsonAsync($"/api/audit?limit=1&before={first[0].GetProperty("id").GetInt64()}");
        Assert.Equal("carrier-switch.requested", next[0].GetProperty("action").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await cloud.Http.GetAsync("/api/audit?limit=-1")).StatusCode);

        using var viewer = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Viewer, "viewer"));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/audit")).StatusCode);
        using var other = cloud.Client(await cloud.CreateTokenAsync("globex", Roles.Admin, "globex-admin"));
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/audit")).GetArrayLength());
    }
}
