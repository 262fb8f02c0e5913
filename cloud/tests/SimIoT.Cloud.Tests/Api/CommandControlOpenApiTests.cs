using System.Text.Json;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Api;

public class CommandControlOpenApiTests
{
    [Fact]
    public async Task OpenApi_describes_cancel_ttl_attempts_and_the_queue_cap()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var document = await cloud.GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        var cancel = paths.GetProperty("/api/commands/{id}/cancel").GetProperty("post");
        Assert.True(cancel.GetProperty("responses").TryGetProperty("409", out _), "cancel lacks its 409");
        var sw = paths.GetProperty("/api/modems/{id}/carrier-switch").GetProperty("post");
        Assert.True(sw.GetProperty("responses").TryGetProperty("429", out _), "carrier-switch lacks its 429");
        var schema = sw.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference))
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        var properties = schema.GetProperty("properties");
        foreach (var name in new[] { "carrier", "ttl", "maxAttempts" })
            Assert.True(properties.TryGetProperty(name, out _), $"carrier-switch body lacks {name}");
    }
}
