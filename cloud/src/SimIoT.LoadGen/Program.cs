using System.CommandLine;
using System.Globalization;
using SimIoT.LoadGen;
using SimIoT.Protocol.V1;

var modems = new Option<int>("--modems") { Description = "simulated modems, each with its own keys (v2 modems share a few UDP sockets)", DefaultValueFactory = _ => 1 };
var rate = new Option<double>("--rate") { Description = "readings per second per modem (one reading per datagram; 0: keepalives only)", DefaultValueFactory = _ => 10 };
var duration = new Option<string>("--duration") { Description = "how long to send: 30s, 2m, or 0 for until Ctrl-C", DefaultValueFactory = _ => "30s" };
var protocol = new Option<string>("--protocol") { Description = "v2 (sealed frames, registered through the API) or v1 (seed packets; the cloud needs --legacy-v1)", DefaultValueFactory = _ => "v2" };
protocol.AcceptOnlyFromAmong("v1", "v2");
var gateway = new Option<string>("--gateway") { Description = "the gateway's UDP address", DefaultValueFactory = _ => "127.0.0.1:6001" };
var api = new Option<string>("--api") { Description = "the cloud's HTTP address (registration, /metrics, /api/events); 'none' to skip", DefaultValueFactory = _ => "http://127.0.0.1:8000" };
var token = new Option<string?>("--token") { Description = "API token of the organization to register the modems in (admin role); default: $SIMIOT_TOKEN", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SIMIOT_TOKEN") };
var firstId = new Option<string>("--first-id") { Description = "modem id of the first modem, hex", DefaultValueFactory = _ => "5100000000000001" };
var key = new Option<string?>("--key") { Description = "the fleet's master key, 32 hex digits (each modem derives its own keys with its id)" };
var noLatency = new Option<bool>("--no-latency") { Description = "do not read /api/events to measure latency (for ingest-rate runs)" };
var nack = new Option<string[]>("--nack") { Description = "carriers the simulated SIMs refuse (answered with NACK)", AllowMultipleArgumentsPerToken = true };

var root = new RootCommand("SimIoT load generator: a fleet of simulated modems sending real v2 frames (or seed v1 packets) and answering carrier switches.")
{
    modems, rate, duration, protocol, gateway, api, token, firstId, key, noLatency, nack,
};
root.SetAction(async (result, ct) =>
{
    var refused = new List<Carrier>();
    foreach (var name in result.GetValue(nack) ?? [])
    {
        if (!CarrierNames.TryParse(name, out var carrier)) throw new ArgumentException($"--nack: '{name}' is not a carrier ({CarrierNames.Valid})");
        refused.Add(carrier);
    }
    var defaults = new LoadOptions();
    var apiText = result.GetValue(api)!;
    var options = new LoadOptions
    {
        Modems = result.GetValue(modems),
        Rate = result.GetValue(rate),
        Duration = ParseDuration(result.GetValue(duration)!),
        Protocol = result.GetValue(protocol)!,
        Gateway = result.GetValue(gateway)!,
        Api = apiText == "none" ? null : new Uri(apiText),
        Token = string.IsNullOrWhiteSpace(result.GetValue(token)) ? null : result.GetValue(token),
        FirstId = ulong.Parse(result.GetValue(firstId)!, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        MasterKey = result.GetValue(key) is { } k ? Convert.FromHexString(k) : defaults.MasterKey,
        Latency = !result.GetValue(noLatency),
        Refused = refused,
    };
    try
    {
        return await new LoadRun(options, Console.Out).RunAsync(ct);
    }
    catch (HttpRequestException ex)
    {
        Console.Error.WriteLine($"loadgen: the cloud at {options.Api} does not answer: {ex.Message}");
        return 1;
    }
});
root.Subcommands.Add(BenchCommand());
return await root.Parse(args).InvokeAsync();

// The measuring side of ./simiot bench ingest (scripts/bench.sh starts the processes it measures).
static Command BenchCommand()
{
    var cloudPid = new Option<int>("--cloud-pid") { Description = "process id of the cloud", Required = true };
    var barePid = new Option<int>("--bare-pid") { Description = "process id of the bare receiver", Required = true };
    var bare = new Option<string>("--bare") { Description = "the bare receiver's UDP address", Required = true };
    var gateway = new Option<string>("--gateway") { Description = "the gateway's UDP address", Required = true };
    var api = new Option<string>("--api") { Description = "the cloud's HTTP address", Required = true };
    var token = new Option<string>("--token") { Description = "admin API token to register the modems", Required = true };
    var rate = new Option<double>("--rate") { Description = "datagrams per second in all (one reading each)", DefaultValueFactory = _ => 50_000 };
    var modems = new Option<int>("--modems") { Description = "simulated modems sharing the rate", DefaultValueFactory = _ => 1000 };
    var warmup = new Option<string>("--warmup") { Description = "sending before the measured window (the tiered JIT recompiles hot methods for the first half minute under load)", DefaultValueFactory = _ => "30s" };
    var window = new Option<string>("--duration") { Description = "the measured window (long against one store batch: the cloud's count is in whole batches)", DefaultValueFactory = _ => "20s" };
    var sse = new Option<bool>("--sse") { Description = "keep an /api/events client reading (latency) during the run" };
    var command = new Command("bench-ingest", "Measure CPU per datagram of the cloud and of a bare receiver, side by side in one run.")
    {
        cloudPid, barePid, bare, gateway, api, token, rate, modems, warmup, window, sse,
    };
    command.SetAction(async (result, ct) =>
    {
        int count = result.GetValue(modems);
        var load = new LoadOptions
        {
            Modems = count,
            Rate = result.GetValue(rate) / count,
            Gateway = result.GetValue(gateway)!,
            Api = new Uri(result.GetValue(api)!),
            Token = result.GetValue(token),
            Latency = result.GetValue(sse),
            Mirror = System.Net.IPEndPoint.Parse(result.GetValue(bare)!),
        };
        return await new IngestBench(load, result.GetValue(cloudPid), result.GetValue(barePid), ParseDuration(result.GetValue(warmup)!), ParseDuration(result.GetValue(window)!), Console.Out).RunAsync(ct);
    });
    return command;
}

static TimeSpan ParseDuration(string text)
{
    text = text.Trim();
    if (text == "0") return TimeSpan.Zero;
    double value = double.Parse(text.TrimEnd('s', 'm', 'h'), CultureInfo.InvariantCulture);
    return text[^1] switch
    {
        'm' => TimeSpan.FromMinutes(value),
        'h' => TimeSpan.FromHours(value),
        _ => TimeSpan.FromSeconds(value),
    };
}
