using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Edge.Hosting;
using SimIoT.Firmware.Node;
using SimIoT.Hil.Tests.Rig;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Hil.Tests.Scenarios;

/// <summary>
/// Scenario 8: a satellite node — the firmware core run by <c>simiot node</c>, with MQTTnet and emulated
/// chips — publishes readings to the agent's broker; they reach the cloud API through the card, each
/// with the node's timestamp and values, and the agent carried them with the node as origin.
/// </summary>
public partial class S8_SatelliteNodeTests
{
    [Fact]
    public async Task Scenario8_readings_published_by_the_firmware_core_over_mqtt_reach_the_cloud_api()
    {
        var figures = new Figures("S8 satellite node over MQTT");
        await using var rig = await HilRig.StartAsync(new RigOptions { Mqtt = true, ImuHz = 2, EnvironmentHz = 1 });
        var broker = rig.Agent.Services.GetRequiredService<MqttBrokerService>().Broker!;

        var output = new StringWriter();
        var watch = Stopwatch.StartNew();
        string[] args = ["--broker", $"127.0.0.1:{broker.Port}", "--name", "esp32-greenhouse", "--sensors", "temp,imu", "--rate", "10", "--readings", "20", "--for", "60"];
        int exit = await Task.Run(() => NodeCommand.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = output }));
        Assert.True(exit == 0, output.ToString());

        // What the node says it published (and the broker acknowledged), per device: timestamp text as the cloud writes it, values.
        var published = PublishedLine().Matches(output.ToString())
            .Select(m => (Device: m.Groups[1].Value, Timestamp: m.Groups[2].Value, Values: m.Groups[3].Value.Split(',').Select(int.Parse).ToArray())).ToList();
        Assert.Equal(20, published.Count);
        Assert.Contains(published, p => p.Device == "temp");
        Assert.Contains(published, p => p.Device == "imu");

        // Origin: the agent handed exactly these readings to the card as the node's (mqtt:esp32-greenhouse).
        var fromNode = () => rig.Sampled.Where(r => r.Origin == "mqtt:esp32-greenhouse").ToList();
        await Eventually.TrueAsync(() => fromNode().Count >= published.Count, "the agent hands the node's readings to the card", HilRig.Wait);
        Assert.Equal(
            published.Select(p => (Id(p.Device), p.Timestamp, string.Join(",", p.Values))).Order(),
            fromNode().Select(r => (r.DeviceId, IsoTimestamp.ToText(r.ToPacket().Timestamp), string.Join(",", r.Values))).Order());

        // Device: the cloud stores each of them under its device, with the node's timestamp and values.
        foreach (string device in new[] { "temp", "imu" })
        {
            var mine = published.Where(p => p.Device == device).ToList();
            var stored = await Eventually.ValueAsync(() => rig.StoredAsync(device), s => mine.All(p => s.Any(x => x.Timestamp == p.Timestamp)), $"the node's {mine.Count} {device} readings are stored", HilRig.Wait);
            foreach (var p in mine) Assert.Equal(p.Values, stored.Single(s => s.Timestamp == p.Timestamp).Values);
        }

        figures.Add("node start to all stored (20 readings at 10 Hz)", watch.Elapsed.TotalMilliseconds, "ms");
        figures.Save();
    }

    private static uint Id(string device) => device == "temp" ? DeviceCatalog.Temperature : DeviceCatalog.Imu;

    [GeneratedRegex(@"^published simiot/esp32-greenhouse/(\w+) #\d+ t=(\S+)Z v=\[([-\d,]+)\]", RegexOptions.Multiline)]
    private static partial Regex PublishedLine();
}
