using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Host;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Hosting;
using SimIoT.Cloud.Metrics;
using SimIoT.LoadGen;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>
/// The real cloud process in the test: Kestrel on 127.0.0.1:0, the gateway on a real UDP socket at
/// 127.0.0.1:0, a SQLite file in a temp folder (unless settings say otherwise). Disposing stops it
/// cleanly and fails the test if anything logged an error.
/// </summary>
public sealed class CloudHarness : IAsyncDisposable
{
    private static readonly string TestKek = SimIoT.Cloud.Store.ModemKeyProtector.NewKek();
    private readonly List<SimulatedModem> _modems = [];
    private bool _stopped;

    private CloudHarness(WebApplication app, ErrorLogCollector errors, string dataDir, bool ownsDataDir)
    {
        App = app;
        Errors = errors;
        DataDir = dataDir;
        OwnsDataDir = ownsDataDir;
    }

    public WebApplication App { get; }
    public ErrorLogCollector Errors { get; }
    public string DataDir { get; }
    private bool OwnsDataDir { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public IPEndPoint Udp { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public CloudMetrics Metrics => App.Services.GetRequiredService<CloudMetrics>();

    /// <summary>The admin token of the default organization (where legacy v1 modems go) that <see cref="Http"/> sends.</summary>
    public string Token { get; private set; } = null!;

    /// <summary>The headers a browser page needs to call the API as <see cref="Token"/>.</summary>
    public Dictionary<string, string> AuthHeaders => new() { ["Authorization"] = $"Bearer {Token}" };

    /// <param name="postgres">The store: this PostgreSQL database, or SQLite in the data folder when null.</param>
    public static async Task<CloudHarness> StartAsync(Dictionary<string, string?>? settings = null, CloudRole role = CloudRole.All, string? dataDir = null,
        Action<WebApplicationBuilder>? configure = null, PostgresDatabase? postgres = null)
    {
        bool owns = dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("simiot-cloud-test").FullName;
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Gateway:UdpAddress"] = "127.0.0.1",
            ["Gateway:UdpPort"] = "0",
            ["Store:DataDir"] = dataDir,
            ["Store:Init"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            // One key-encryption key for the test run, so a cloud restarted on the same store opens its keys.
            ["Store:KeyEncryptionKey"] = TestKek,
        };
        foreach (var (k, v) in settings ?? []) all[k] = v;
        if (postgres is not null) all["Store:Postgres"] = postgres.ConnectionString;
        var errors = new ErrorLogCollector();
        var app = CloudApp.Build(role, all, configure: b =>
        {
            b.Logging.AddProvider(errors);
            configure?.Invoke(b);
        });
        var harness = new CloudHarness(app, errors, dataDir, owns);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        harness.BaseAddress = new Uri(address);
        // The one place tests get credentials: every call through Http is the default organization's admin.
        harness.Token = await harness.CreateTokenAsync(OrganizationNames.Default, Roles.Admin, "harness");
        harness.Http = harness.Client(harness.Token);
        // Kafka consumers join their groups after a few seconds, more on a busy machine.
        await harness.WaitReadyAsync(true, TimeSpan.FromSeconds(90));
        if (role != CloudRole.Api)
        {
            var bound = await app.Services.GetRequiredService<GatewaySocket>().Bound.WaitAsync(TimeSpan.FromSeconds(10));
            harness.Udp = new IPEndPoint(IPAddress.Loopback, bound.Port);
        }
        return harness;
    }

    /// <summary>A new API token straight in the store, as 'simiot cloud token create' makes one.</summary>
    public async Task<string> CreateTokenAsync(string organization, string role, string name, DateTime? expiresAt = null)
    {
        var store = App.Services.GetRequiredService<IIdentityStore>();
        var token = ApiTokens.Generate();
        await store.EnsureOrganizationAsync(organization, DateTime.UtcNow, CancellationToken.None);
        await store.AddTokenAsync(organization, name, role, ApiTokens.Hash(token), DateTime.UtcNow, expiresAt, CancellationToken.None);
        return token;
    }

    /// <summary>An HTTP client of the cloud sending <paramref name="token"/> (none when null).</summary>
    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Registers a v2 modem through the API (as <paramref name="caller"/>, default <see cref="Http"/>) and gives back its simulated SIM.</summary>
    public async Task<SimulatedModem> AddModemAsync(ulong id, string nickname = "test modem", HttpClient? caller = null, bool waitForGateway = true)
    {
        var key = new byte[16];
        Random.Shared.NextBytes(key);
        var response = await (caller ?? Http).PostAsJsonAsync("/api/modems", new { id = new ModemId(id).ToString(), nickname, masterKey = Convert.ToHexString(key) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // The gateway learns of the modem through modem-changes; wait until it does.
        var registry = App.Services.GetService<ModemRegistry>();
        if (registry is not null && waitForGateway) await Eventually.TrueAsync(() => registry.TryGet(new ModemId(id), out _), "gateway knows the modem");
        var modem = new SimulatedModem(new ModemId(id), key, Udp);
        _modems.Add(modem);
        return modem;
    }

    /// <summary>GET /readyz: its status code and JSON body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> ReadinessAsync()
    {
        using var response = await Http.GetAsync("/readyz");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits until /readyz answers 200 (ready) or 503 (not ready); gives back the body.</summary>
    public async Task<string> WaitReadyAsync(bool ready, TimeSpan? timeout = null)
    {
        var expected = ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable;
        var (_, body) = await Eventually.ValueAsync(ReadinessAsync, r => r.Status == expected, $"/readyz answers {(int)expected}", timeout ?? TimeSpan.FromSeconds(30));
        return body;
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var m in _modems) m.Dispose();
        Http?.Dispose();
        await StopAsync();
        if (OwnsDataDir)
        {
            try { Directory.Delete(DataDir, true); } catch (IOException) { }
        }
        Assert.True(Errors.Errors.IsEmpty, "error logs: " + string.Join("\n", Errors.Errors));
    }
}
