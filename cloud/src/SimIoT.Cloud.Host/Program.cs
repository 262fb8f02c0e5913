using System.CommandLine;
using SimIoT.Cloud.Hosting;
using SimIoT.Cloud.Host;

var httpPort = new Option<int?>("--http-port") { Description = "HTTP port of the API, UI, /healthz and /metrics (default 8000)", Recursive = true };
var httpAddress = new Option<string?>("--http-address") { Description = "HTTP address (default 127.0.0.1)", Recursive = true };
var udpPort = new Option<int?>("--udp-port") { Description = "UDP port of the gateway (default 6001, the seed's)", Recursive = true };
var udpAddress = new Option<string?>("--udp-address") { Description = "UDP address of the gateway (default 0.0.0.0)", Recursive = true };
var data = new Option<string?>("--data") { Description = "folder of the SQLite store (default ./data)", Recursive = true };
var legacy = new Option<bool>("--legacy-v1") { Description = "accept unauthenticated v1 seed packets (identity = source endpoint)", Recursive = true };
var kafka = new Option<string?>("--kafka") { Description = "Kafka bootstrap servers: the bus becomes Kafka", Recursive = true };
var postgres = new Option<string?>("--postgres") { Description = "Npgsql connection string: the store becomes PostgreSQL", Recursive = true };
var defaultModem = new Option<string?>("--default-modem") { Description = "modem id a seed downstream-request naming no modem goes to", Recursive = true };
var init = new Option<bool>("--init") { Description = "create an empty SQLite store when --data holds none (otherwise a missing database stops the start)", Recursive = true };
var grafana = new Option<string?>("--grafana-url") { Description = "Grafana dashboard URL linked from the UI", Recursive = true };

var root = new RootCommand("SimIoT cloud: UDP gateway, bus, store, API and web UI in one process (the embedded profile unless --kafka / --postgres).")
{
    httpPort, httpAddress, udpPort, udpAddress, data, init, legacy, kafka, postgres, defaultModem, grafana,
};
var gateway = new Command("gateway", "Run only the UDP gateway (with /healthz and /metrics); pair it with 'api' over --kafka.");
var api = new Command("api", "Run only the API, store sink, SSE and web UI; pair it with 'gateway' over --kafka.");
root.Subcommands.Add(gateway);
root.Subcommands.Add(api);
AdminCommands.Add(root, data, postgres);
FleetBench.Add(root, data, postgres);
BenchCommands.Add(root);
RetentionCommand.Add(root, data, postgres);
ModemCommand.Add(root);
root.SetAction((result, ct) => RunAsync(CloudRole.All, result, ct));
gateway.SetAction((result, ct) => RunAsync(CloudRole.Gateway, result, ct));
api.SetAction((result, ct) => RunAsync(CloudRole.Api, result, ct));
// Unknown tokens go to configuration, so "--Commands:MaxAttempts 5" works like appsettings.
root.TreatUnmatchedTokensAsErrors = false;
// The host handles Ctrl-C and SIGTERM itself (clean shutdown, exit 0), so the parser must not.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

async Task<int> RunAsync(CloudRole role, ParseResult result, CancellationToken ct)
{
    var settings = new Dictionary<string, string?>();
    if (result.GetValue(httpPort) is { } hp || result.GetValue(httpAddress) is not null)
        settings["Urls"] = $"http://{result.GetValue(httpAddress) ?? "127.0.0.1"}:{result.GetValue(httpPort) ?? 8000}";
    if (result.GetValue(udpPort) is { } up) settings["Gateway:UdpPort"] = up.ToString(System.Globalization.CultureInfo.InvariantCulture);
    if (result.GetValue(udpAddress) is { } ua) settings["Gateway:UdpAddress"] = ua;
    if (result.GetValue(data) is { } d) settings["Store:DataDir"] = d;
    if (result.GetValue(init)) settings["Store:Init"] = "true";
    if (result.GetValue(legacy)) settings["Gateway:LegacyV1"] = "true";
    if (result.GetValue(kafka) is { } k) settings["Bus:Kafka"] = k;
    if (result.GetValue(postgres) is { } p) settings["Store:Postgres"] = p;
    if (result.GetValue(defaultModem) is { } m) settings["Gateway:DefaultModem"] = m;
    if (result.GetValue(grafana) is { } g) settings["Api:GrafanaUrl"] = g;
    var app = CloudApp.Build(role, settings, [.. result.UnmatchedTokens]);
    await app.RunAsync(ct);
    return 0;
}
