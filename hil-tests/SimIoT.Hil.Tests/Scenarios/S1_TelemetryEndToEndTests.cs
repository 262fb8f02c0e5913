using System.Diagnostics;
using System.Text.Json;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Edge.Uplink;
using SimIoT.Hil.Tests.Rig;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace SimIoT.Hil.Tests.Scenarios;

/// <summary>Scenario 1: sensor readings reach the API and the SSE stream with the sensors' values and sample timestamps, as v2 frames sealed by the card.</summary>
public class S1_TelemetryEndToEndTests
{
    [Fact]
    public Task Scenario1_sensor_readings_reach_the_api_and_the_event_stream_as_v2_frames_built_by_the_card() => RunAsync("S1 telemetry end to end");

    /// <summary>The same with the cloud in its distributed profile: telemetry through Kafka (librdkafka's mock cluster, or KAFKA_BOOTSTRAP_SERVERS).</summary>
    [Fact]
    public Task Scenario1_on_the_kafka_profile() => RunAsync("S1 telemetry end to end (Kafka)", kafka: true);

    /// <summary>The same scenario, but only with real hardware named: skipped (never passed) without it.</summary>
    [HardwareFact]
    public Task Scenario1_on_real_hardware() => RunAsync("S1 telemetry end to end (hardware)");

    /// <summary>The same with a T=0 card: response data through 61xx and the agent's GET RESPONSE, 6Cxx answered with the right Le.</summary>
    [VirtualCardFact]
    public Task Scenario1_on_a_T0_card() => RunAsync("S1 telemetry end to end (T=0 card)", cardHostOptions: ["--protocol", "t0"]);

    /// <summary>The same with a slow card: every response 20 ms late.</summary>
    [VirtualCardFact]
    public Task Scenario1_with_a_20_ms_card() => RunAsync("S1 telemetry end to end (20 ms card)", cardHostOptions: ["--apdu-delay-ms", "20"]);

    /// <summary>
    /// The same with the Pi's own build: the linux-arm64 agent under qemu as its own process, its arm64 libpcsclite
    /// talking to a real pcscd whose vpcd reader holds the card; what it sampled is read from its structured log.
    /// </summary>
    [Arm64AgentFact]
    public Task Scenario1_with_the_arm64_agent_under_qemu() => RunAsync("S1 telemetry end to end (arm64 agent under qemu)", edgeArch: "arm64");

    private static async Task RunAsync(string name, bool kafka = false, string[]? cardHostOptions = null, string? edgeArch = null)
    {
        var figures = new Figures(name);
        await using var rig = await HilRig.StartAsync(new RigOptions { ImuHz = 20, EnvironmentHz = 5, Kafka = kafka, CardHostOptions = cardHostOptions ?? [], EdgeArch = edgeArch });
        await using var sse = await SseClient.ConnectAsync(rig.Cloud.Http, $"/api/events?modemId={rig.Modem}");
        var watch = Stopwatch.StartNew();

        // Live: each streamed temperature point is one the BME280 produced (value and timestamp), and arrives soon after it was sampled.
        var latencies = new List<double>();
        var streamedTemps = new List<JsonElement>();
        while (streamedTemps.Count < 10)
        {
            var e = await sse.NextAsync("telemetry", d => d.GetProperty("modemId").GetString() == rig.Modem.ToString(), HilRig.Wait);
            var point = e.GetProperty("point");
            var at = DateTime.UtcNow;
            IsoTimestamp.TryParse(point.GetProperty("timestamp").GetString(), out var sampledAt);
            latencies.Add((at - sampledAt).TotalMilliseconds);
            if (e.GetProperty("sensor").GetString() == "temp") streamedTemps.Add(point);
        }
        var sampledTemps = rig.SampledOf(DeviceCatalog.Temperature).ToDictionary(s => s.Timestamp, s => s.Values[0]);
        foreach (var p in streamedTemps)
        {
            var ts = p.GetProperty("timestamp").GetString()!;
            Assert.True(sampledTemps.TryGetValue(ts, out var value), $"streamed temperature at {ts} was never sampled by the BME280");
            Assert.Equal(value, p.GetProperty("data").GetInt32());
            Assert.InRange(value, -4000, 8500);
        }

        // Stored: every sampled reading of each device is in the store once, with its values.
        await rig.StopSensorsAsync(); // a closed set: what was sampled is what must be stored
        double seconds = watch.Elapsed.TotalSeconds;
        int total = 0;
        foreach (var (device, sensor) in new[] { (DeviceCatalog.Imu, "imu"), (DeviceCatalog.Gyro, "gyro"), (DeviceCatalog.Temperature, "temp") })
            total += await rig.AssertStoredExactlyOnceAsync(device, sensor); // each sampled reading once, with its values; nothing else

        // Carried as authenticated v2 frames sealed by the card (the only key holder besides the cloud).
        var modem = await Eventually.ValueAsync(rig.ModemAsync, j => j.GetProperty("lastSeen").ValueKind == JsonValueKind.String, "last seen flushed");
        Assert.Equal("v2", modem.GetProperty("protocol").GetString());
        Assert.True(modem.GetProperty("authenticated").GetBoolean());
        // No switch was made: the carrier comes from the card's report at the start of its session.
        var carrier = modem.GetProperty("carrier").GetString();
        if (RigMode.HardwareCard) Assert.NotNull(carrier);
        else Assert.Equal("AT&T", carrier);
        Assert.True(rig.Cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) > 0);
        Assert.Equal(0, rig.Cloud.Metrics.DatagramCount(DatagramOutcome.BadTag));

        figures.Add("mode", RigMode.Describe + (edgeArch is null ? "" : $"; agent: linux-{edgeArch} under qemu, own process, card through a private pcscd and vpcd"));
        figures.Add("readings stored", total);
        figures.Add("readings per second", total / seconds);
        figures.Add("sample-to-SSE latency p50", Figures.Percentile(latencies, 50), "ms");
        figures.Add("sample-to-SSE latency p95", Figures.Percentile(latencies, 95), "ms");
        figures.Add("datagrams accepted", rig.Cloud.Metrics.DatagramCount(DatagramOutcome.Accepted));
        figures.Save();
    }
}
