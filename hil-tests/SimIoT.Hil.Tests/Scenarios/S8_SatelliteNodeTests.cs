using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Mqtt;
using SimIoT.Hil.Tests.Rig;
using SimIoT.Protocol.Kafka;

namespace SimIoT.Hil.Tests.Scenarios;

/// <summary>Scenario 8: a satellite node publishes readings over MQTT to the agent's broker; they reach the cloud API through the card, with the node's timestamps and values.</summary>
public class S8_SatelliteNodeTests
{
    [Fact]
    public async Task Scenario8_readings_published_over_mqtt_by_a_satellite_node_reach_the_cloud_api()
    {
        var figures = new Figures("S8 satellite node over MQTT");
        await using var rig = await HilRig.StartAsync(new RigOptions { Mqtt = true, ImuHz = 2, EnvironmentHz = 1 });
        var broker = rig.Agent.Services.GetRequiredService<MqttBrokerService>().Broker!;
        using var node = new MqttClientFactory().CreateMqttClient();
        await node.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("esp32-greenhouse").Build());

        // Timestamps far from "now", so they cannot be confused with the agent's own sensors.
        var t0 = new DateTime(2026, 11, 20, 9, 30, 0, DateTimeKind.Utc);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 20; i++)
        {
            await node.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("simiot/esp32-greenhouse/temp")
                .WithPayload(MqttReadingPayload.EncodeBinary(t0.AddSeconds(i), 1800 + i))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }
        long tJson = (long)((t0.AddMinutes(1) - DateTime.UnixEpoch).Ticks / 10);
        await node.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("simiot/esp32-greenhouse/imu")
            .WithPayload(Encoding.UTF8.GetBytes($$"""{"t":{{tJson}},"v":[12,-34,981]}"""))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var window = $"from={IsoTimestamp.ToText(t0)}Z&to={IsoTimestamp.ToText(t0.AddMinutes(2))}Z&maxPoints=100000";
        var temps = await Eventually.ValueAsync(() => rig.Cloud.GetJsonAsync($"/api/modems/{rig.Modem}/telemetry/temp?{window}"), j => j.GetArrayLength() >= 20, "the node's 20 temperatures are stored", HilRig.Wait);
        figures.Add("publish to stored (20 readings)", watch.Elapsed.TotalMilliseconds, "ms");
        Assert.Equal(20, temps.GetArrayLength());
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(IsoTimestamp.ToText(t0.AddSeconds(i)), temps[i].GetProperty("timestamp").GetString());
            Assert.Equal(1800 + i, temps[i].GetProperty("data").GetInt32());
        }
        var imu = await Eventually.ValueAsync(() => rig.Cloud.GetJsonAsync($"/api/modems/{rig.Modem}/telemetry/imu?{window}"), j => j.GetArrayLength() == 1, "the node's imu reading is stored", HilRig.Wait);
        Assert.Equal(IsoTimestamp.ToText(t0.AddMinutes(1)), imu[0].GetProperty("timestamp").GetString());
        Assert.Equal([12, -34, 981], imu[0].GetProperty("values").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Contains(rig.Sampled, r => r.Origin.Contains("esp32-greenhouse", StringComparison.Ordinal)); // carried by the same card path
        figures.Save();
    }
}
