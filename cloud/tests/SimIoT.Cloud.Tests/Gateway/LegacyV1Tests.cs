using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using Microsoft.Extensions.DependencyInjection;

namespace SimIoT.Cloud.Tests.Gateway;

public class LegacyV1Tests
{
    [Fact]
    public async Task Seed_modem_registers_itself_sends_telemetry_and_answers_a_seed_downstream_request()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Gateway:LegacyV1"] = "true" });
        using var seedModem = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        seedModem.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        seedModem.Connect(cloud.Udp);
        seedModem.ReceiveTimeout = 10_000;
        var id = LegacyModemId.From((IPEndPoint)seedModem.LocalEndPoint!).ToString();

        // The seed's exact bytes: IoT Data, device 3, 2026-11-24T10:00:00.123456, data 42.
        seedModem.Send(Convert.FromHexString("00000000035" + "7eaaba800078900040000002a"));
        var modem = await Eventually.ValueAsync(() => cloud.GetJsonAsync("/api/modems"), j => j.GetArrayLength() == 1, "the legacy modem is listed");
        Assert.Equal(id, modem[0].GetProperty("id").GetString());
        Assert.Equal("v1", modem[0].GetProperty("protocol").GetString());
        Assert.True(modem[0].GetProperty("legacy").GetBoolean());
        Assert.False(modem[0].GetProperty("authenticated").GetBoolean());
        var temp = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{id}/telemetry/temp"), j => j.GetArrayLength() == 1, "the reading is stored");
        Assert.Equal("2026-11-24T10:00:00.123456", temp[0].GetProperty("timestamp").GetString());
        Assert.Equal(42, temp[0].GetProperty("data").GetInt32());

        // A seed producer's request names no modem: it goes to the only one.
        cloud.App.Services.GetRequiredService<IEventBus>().Publish(CloudTopics.DownstreamRequest, "", """{"type":"carrier-switch-perform","metadata":"Verizon"}"""u8.ToArray());
        var buffer = new byte[64];
        int n = seedModem.Receive(buffer);
        Assert.Equal("1020", Convert.ToHexStringLower(buffer, 0, n));
        seedModem.Send(V1Packet.Ack(AckStatus.Ack, Carrier.Verizon).ToArray());
        var commands = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{id}/commands"),
            j => j.GetArrayLength() == 1 && j[0].GetProperty("state").GetString() == "acked", "the v1 ACK completes the command");
        Assert.Equal("Verizon", commands[0].GetProperty("carrier").GetString());
    }

    [Fact]
    public async Task Without_legacy_mode_v1_packets_are_dropped_and_counted()
    {
        await using var cloud = await CloudHarness.StartAsync();
        using var seedModem = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        seedModem.SendTo(V1Packet.IotData(3, DateTime.UtcNow, TelemetryValues.Encode(1)).ToArray(), cloud.Udp);
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.LegacyDisabled) == 1, "counted");
        Assert.Equal(0, (await cloud.GetJsonAsync("/api/modems")).GetArrayLength());
    }
}
