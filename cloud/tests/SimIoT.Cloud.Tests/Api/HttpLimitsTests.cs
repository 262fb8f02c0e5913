using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Api;

public class HttpLimitsTests
{
    [Fact]
    public async Task Modem_ids_are_taken_only_as_exactly_16_hex_digits_in_routes_and_bodies()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x4d2);
        foreach (var id in new[] { "0", "0x10", "4d2", "0x00000000000004d2", "000000000000000004d2", "%2000000000000004d2", "00000000000004d2%20", "00000000000004g2" })
        {
            foreach (var (method, path) in new[]
            {
                (HttpMethod.Get, $"/api/modems/{id}"), (HttpMethod.Get, $"/api/modems/{id}/telemetry/temp"),
                (HttpMethod.Get, $"/api/modems/{id}/commands"), (HttpMethod.Delete, $"/api/modems/{id}"),
            })
                await AssertBadRequestAsync(await cloud.Http.SendAsync(new HttpRequestMessage(method, path)), $"{method} {path}");
            await AssertBadRequestAsync(await cloud.Http.PostAsJsonAsync($"/api/modems/{id}/carrier-switch", new { carrier = "A" }), $"switch {id}");
            await AssertBadRequestAsync(await cloud.Http.PutAsJsonAsync($"/api/modems/{id}/key", new { masterKey = "000102030405060708090a0b0c0d0e0f" }), $"re-key {id}");
            await AssertBadRequestAsync(await cloud.Http.PostAsJsonAsync("/api/modems", new { id = Uri.UnescapeDataString(id), masterKey = "000102030405060708090a0b0c0d0e0f" }), $"register {id}");
        }
        // The canonical spelling, in either case, still names the modem, which is untouched by all of the above.
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync($"/api/modems/{modem.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync($"/api/modems/{modem.Id.ToString().ToUpperInvariant()}")).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_with_a_problem_body()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Api:MaxRequestBodyBytes"] = "4096" });
        var huge = await cloud.Http.PostAsJsonAsync("/api/modems", new { id = "00000000000000f1", nickname = new string('n', 5000), masterKey = "000102030405060708090a0b0c0d0e0f" });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("application/problem+json", huge.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await cloud.Http.GetAsync("/api/modems/00000000000000f1")).StatusCode);
        // Under the limit the same request is taken.
        Assert.Equal(HttpStatusCode.Created, (await cloud.Http.PostAsJsonAsync("/api/modems", new { id = "00000000000000f1", nickname = "n", masterKey = "000102030405060708090a0b0c0d0e0f" })).StatusCode);
    }

    [Fact]
    public async Task Requests_kestrel_refuses_itself_get_a_problem_body()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var host = $"Host: 127.0.0.1:{cloud.BaseAddress.Port}\r\n";
        var cases = new (string Request, int Status)[]
        {
            ("GARBAGE\r\n\r\n", 400),
            ($"GET /api/modems HTTP/1.1\r\n{host}Bad Header Without Colon\r\n\r\n", 400),
            ($"GET /{new string('a', 20_000)} HTTP/1.1\r\n{host}\r\n", 414),
            ($"GET /api/modems HTTP/1.1\r\n{host}X-Big: {new string('b', 40_000)}\r\n\r\n", 431),
        };
        foreach (var (request, status) in cases)
        {
            var (head, body) = await RawAsync(cloud.BaseAddress, request);
            Assert.StartsWith($"HTTP/1.1 {status} ", head);
            Assert.Contains("Content-Type: application/problem+json", head);
            using var json = JsonDocument.Parse(body);
            Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("title").GetString()));
        }
        // The connection path still serves ordinary requests, with their own bodies.
        var (okHead, okBody) = await RawAsync(cloud.BaseAddress, $"GET /healthz HTTP/1.1\r\n{host}Connection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 ", okHead);
        Assert.Contains("ok", okBody);
    }

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string what)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Sends raw bytes on a new TCP connection and reads the answer until the server closes it.</summary>
    private static async Task<(string Head, string Body)> RawAsync(Uri server, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        }
        catch (IOException)
        {
            // Kestrel may answer and close before it has read all of an oversized request.
        }
        using var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (IOException) when (answer.Length > 0)
        {
            // A reset after the answer (unread request bytes) ends the read.
        }
        var text = Encoding.ASCII.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no answer head in '{text}'");
        return (text[..(split + 2)], text[(split + 4)..]);
    }
}
