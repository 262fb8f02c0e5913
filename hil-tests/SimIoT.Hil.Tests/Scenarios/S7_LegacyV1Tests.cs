using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Hil.Tests.Rig;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Hil.Tests.Scenarios;

/// <summary>
/// Scenario 7: a v1 modem speaking the seed's format (devices 1, 2, 3; carrier switch answered
/// with ACK and with NACK) against the gateway in legacy mode, while the card-built v2 chain runs
/// on the same gateway.
/// </summary>
public class S7_LegacyV1Tests
{
    [Fact]
    public async Task Scenario7_a_seed_format_v1_modem_sends_devices_1_2_3_and_answers_carrier_switches_with_ack_and_nack()
    {
        var figures = new Figures("S7 legacy v1 modem");
        await using var rig = await HilRig.StartAsync(new RigOptions { LegacyV1 = true, ImuHz = 5, EnvironmentHz = 1 });
        using var seed = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        seed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        seed.Connect(new IPEndPoint(IPAddress.Loopback, rig.CloudUdpPort));
        seed.ReceiveTimeout = (int)HilRig.Wait.TotalMilliseconds;
        var id = LegacyModemId.From((IPEndPoint)seed.LocalEndPoint!).ToString();

        // The seed's bytes, byte for byte as its modem sends them: IoT Data, device 3, 2026-11-24T10:00:00.123456, data 42.
        seed.Send(Convert.FromHexString("000000000357eaaba800078900040000002a"));
        var t0 = new DateTime(2026, 11, 24, 10, 0, 1, DateTimeKind.Utc);
        for (int i = 0; i < 10; i++)
        {
            seed.Send(V1Packet.IotData(DeviceCatalog.Imu, t0.AddMilliseconds(100 * i), TelemetryValues.Encode(i, -i, 1000)).ToArray());
            seed.Send(V1Packet.IotData(DeviceCatalog.Gyro, t0.AddMilliseconds(100 * i), TelemetryValues.Encode(10 * i, 0, -10 * i)).ToArray());
            seed.Send(V1Packet.IotData(DeviceCatalog.Temperature, t0.AddMilliseconds(100 * i), TelemetryValues.Encode(2000 + i)).ToArray());
        }
        await Eventually.ValueAsync(() => rig.Cloud.GetJsonAsync("/api/modems"), j => j.EnumerateArray().Any(m => m.GetProperty("id").GetString() == id), "the seed modem registered itself", HilRig.Wait);
        var temp = await Eventually.ValueAsync(() => rig.Cloud.GetJsonAsync($"/api/modems/{id}/telemetry/temp?maxPoints=100000"), j => j.GetArrayLength() == 11, "11 seed temperatures stored");
        Assert.Equal("2026-11-24T10:00:00.123456", temp[0].GetProperty("timestamp").GetString());
        Assert.Equal(42, temp[0].GetProperty("data").GetInt32());
        Assert.Equal(2009, temp[10].GetProperty("data").GetInt32());
        var imu = await Eventually.ValueAsync(() => rig.Cloud.GetJsonAsync($"/api/modems/{id}/telemetry/imu?maxPoints=100000"), j => j.GetArrayLength() == 10, "10 imu points");
        Assert.Equal([9, -9, 1000], imu[9].GetProperty("values").EnumerateArray().Select(v => v.GetInt32()));
        var gyro = await Eventually.ValueAsync(() => rig.Cloud.GetJsonAsync($"/api/modems/{id}/telemetry/gyro?maxPoints=100000"), j => j.GetArrayLength() == 10, "10 gyro points");
        Assert.Equal(IsoTimestamp.ToText(t0.AddMilliseconds(900)), gyro[9].GetProperty("timestamp").GetString());
        var listed = await rig.Cloud.GetJsonAsync($"/api/modems/{id}");
        Assert.Equal("v1", listed.GetProperty("protocol").GetString());
        Assert.True(listed.GetProperty("legacy").GetBoolean());
        Assert.False(listed.GetProperty("authenticated").GetBoolean());

        // ACK: the API's switch reaches the modem as the seed's Perform packet; its ACK completes the command.
        var watch = Stopwatch.StartNew();
        var ack = await SwitchAsync(rig, id, "Verizon");
        var buffer = new byte[64];
        int n = seed.Receive(buffer);
        Assert.Equal(V1Packet.Perform(Carrier.Verizon).ToArray(), buffer[..n]);
        seed.Send(V1Packet.Ack(AckStatus.Ack, Carrier.Verizon).ToArray());
        await WaitStateAsync(rig, ack, "acked");
        figures.Add("switch round trip (ACK)", watch.Elapsed.TotalMilliseconds, "ms");
        await Eventually.ValueAsync(() => rig.Cloud.GetJsonAsync($"/api/modems/{id}"), j => j.GetProperty("carrier").GetString() == "Verizon", "carrier shown as Verizon");

        // NACK: the modem refuses; the command fails and the carrier stays.
        var nack = await SwitchAsync(rig, id, "T-Mobile");
        n = seed.Receive(buffer);
        Assert.Equal(V1Packet.Perform(Carrier.TMobile).ToArray(), buffer[..n]);
        seed.Send(V1Packet.Ack(AckStatus.Nack, Carrier.TMobile).ToArray());
        await WaitStateAsync(rig, nack, "nacked");
        Assert.Equal("Verizon", (await rig.Cloud.GetJsonAsync($"/api/modems/{id}")).GetProperty("carrier").GetString());

        // The card-built v2 modem on the same gateway is unaffected by legacy mode.
        await rig.AllStoredAsync(DeviceCatalog.Temperature, "temp");
        Assert.Equal("v2", (await rig.ModemAsync()).GetProperty("protocol").GetString());

        figures.Add("v1 readings stored", 31);
        figures.Save();
    }

    private static async Task<uint> SwitchAsync(HilRig rig, string id, string carrier)
    {
        var response = await rig.Cloud.Http.PostAsJsonAsync($"/api/modems/{id}/carrier-switch", new { carrier });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
    }

    internal static Task<JsonElement> WaitStateAsync(HilRig rig, uint command, string state, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(() => rig.Cloud.GetJsonAsync($"/api/commands/{command}"), j => j.GetProperty("state").GetString() == state, $"command {command} {state}", timeout ?? HilRig.Wait);
}
