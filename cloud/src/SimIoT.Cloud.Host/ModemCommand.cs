using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Api;

namespace SimIoT.Cloud.Host;

/// <summary>
/// 'modem add': registers a modem through the running cloud's API with a token (admin role), the
/// command `simiot-edge provision --master-key generate` prints. The API checks the id and key;
/// its refusal (ProblemDetails) is printed as it is.
/// </summary>
public static class ModemCommand
{
    public static void Add(RootCommand root)
    {
        var id = new Option<string>("--id") { Description = "modem id, 16 hex digits (as provisioned on the card)", Required = true };
        var key = new Option<string>("--key") { Description = "the card's master key, 32 hex digits", Required = true };
        var nickname = new Option<string?>("--nickname") { Description = "name shown in the UI (default: the id)" };
        var api = new Option<string>("--api") { Description = "the cloud's HTTP address (default: $SIMIOT_API or http://127.0.0.1:8000)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SIMIOT_API") ?? "http://127.0.0.1:8000" };
        var token = new Option<string?>("--token") { Description = "API token with the admin role (default: $SIMIOT_TOKEN)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SIMIOT_TOKEN") };
        var add = new Command("add", "Register a modem with the cloud's API (POST /api/modems).") { id, key, nickname, api, token };
        add.SetAction(async (r, ct) =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValue(token)))
            {
                Console.Error.WriteLine("modem add: no API token: pass --token or set SIMIOT_TOKEN (simiot-cloud token create --org NAME --role admin)");
                return 2;
            }
            if (!Uri.TryCreate(r.GetValue(api), UriKind.Absolute, out var baseAddress))
            {
                Console.Error.WriteLine($"modem add: --api '{r.GetValue(api)}' is not an address like http://127.0.0.1:8000");
                return 2;
            }
            using var http = new HttpClient { BaseAddress = baseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", r.GetValue(token));
            return await RegisterAsync(http, new RegisterModemRequest(r.GetValue(id), r.GetValue(nickname), r.GetValue(key)), Console.Out, Console.Error, ct);
        });
        root.Subcommands.Add(new Command("modem", "Modems on the running cloud, through its API: add.") { add });
    }

    /// <summary>Returns the exit code: 0 registered, 1 refused by the API or unreachable.</summary>
    public static async Task<int> RegisterAsync(HttpClient http, RegisterModemRequest request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("/api/modems", request, CloudJson.Options, ct);
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"modem add: the cloud at {http.BaseAddress} does not answer: {e.Message}");
            return 1;
        }
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                var modem = JsonSerializer.Deserialize<JsonElement>(body);
                await output.WriteLineAsync($"modem {modem.GetProperty("id").GetString()} registered as '{modem.GetProperty("nickname").GetString()}'");
                return 0;
            }
            await error.WriteLineAsync($"modem add: refused ({(int)response.StatusCode} {response.ReasonPhrase}): {Problem(body)}");
            return 1;
        }
    }

    private static string Problem(string body)
    {
        try
        {
            var problem = JsonSerializer.Deserialize<JsonElement>(body);
            string title = problem.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
            return problem.TryGetProperty("detail", out var d) && d.GetString() is { Length: > 0 } detail ? $"{title}: {detail}" : title;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
