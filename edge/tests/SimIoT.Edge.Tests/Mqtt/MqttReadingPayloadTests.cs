using System.Text;
using SimIoT.Edge.Mqtt;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Tests.Mqtt;

public class MqttReadingPayloadTests
{
    private static readonly DateTime Arrival = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Binary_payload_round_trips_with_microseconds()
    {
        var t = new DateTime(2026, 3, 1, 11, 59, 59, DateTimeKind.Utc).AddTicks(1234560);
        byte[] payload = MqttReadingPayload.EncodeBinary(t, 12, -1000, 980);
        Assert.Equal(21, payload.Length);
        Assert.True(MqttReadingPayload.TryDecode("simiot/node-7/imu", payload, Arrival, DeviceCatalog.Default, out var reading, out _));
        Assert.Equal((DeviceCatalog.Imu, t, "mqtt:node-7"), (reading.DeviceId, reading.TimestampUtc, reading.Origin));
        Assert.Equal([12, -1000, 980], reading.Values);
    }

    [Fact]
    public void Binary_layout_is_version_timestamp_values_big_endian()
    {
        byte[] payload = MqttReadingPayload.EncodeBinary(DateTime.UnixEpoch.AddTicks(10), 0x01020304);
        Assert.Equal("01" + "0000000000000001" + "01020304", Convert.ToHexString(payload));
    }

    [Fact]
    public void The_example_in_docs_mqtt_md_decodes()
    {
        byte[] payload = Convert.FromHexString("0100064BF535AF100000000866");
        Assert.True(MqttReadingPayload.TryDecode("simiot/hall/temp", payload, Arrival, DeviceCatalog.Default, out var reading, out _));
        Assert.Equal(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), reading.TimestampUtc);
        Assert.Equal([2150], reading.Values);
    }

    [Fact]
    public void Json_payload_and_zero_timestamp_stamps_on_arrival()
    {
        Assert.True(MqttReadingPayload.TryDecode("simiot/esp32/temp", Encoding.UTF8.GetBytes("{\"v\":[2150]}"), Arrival, DeviceCatalog.Default, out var reading, out _));
        Assert.Equal(Arrival, reading.TimestampUtc);
        Assert.Equal([2150], reading.Values);
        Assert.True(MqttReadingPayload.TryDecode("simiot/esp32/42", Encoding.UTF8.GetBytes("{\"t\":1772366400000001,\"v\":[1,2]}"), Arrival, DeviceCatalog.Default, out reading, out _));
        Assert.Equal(42u, reading.DeviceId);
        Assert.Equal(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc).AddTicks(10), reading.TimestampUtc);
    }

    [Theory]
    [InlineData("simiot/n1", "{\"v\":[1]}", "topic")]
    [InlineData("simiot/n 1/temp", "{\"v\":[1]}", "node name")]
    [InlineData("simiot/n1/wind", "{\"v\":[1]}", "neither")]
    [InlineData("simiot/n1/temp", "{\"v\":[1,2]}", "takes 1 values")]
    [InlineData("simiot/n1/temp", "{\"v\":[]}", "0 values")]
    [InlineData("simiot/n1/temp", "{\"v\":[1.5]}", "32-bit")]
    [InlineData("simiot/n1/temp", "{\"v\":[2150]", "invalid JSON")]
    [InlineData("simiot/n1/temp", "{\"t\":-5,\"v\":[1]}", "\"t\"")]
    [InlineData("simiot/n1/temp", "{\"t\":1000,\"v\":[1]}", "implausible")]
    [InlineData("simiot/n1/temp", "21.5", "unknown payload format")]
    public void Malformed_publishes_are_rejected_with_a_reason(string topic, string payload, string reason)
    {
        Assert.False(MqttReadingPayload.TryDecode(topic, Encoding.UTF8.GetBytes(payload), Arrival, DeviceCatalog.Default, out _, out string error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_with_a_ragged_length_is_rejected()
    {
        byte[] payload = [.. MqttReadingPayload.EncodeBinary(null, 1), 0xFF];
        Assert.False(MqttReadingPayload.TryDecode("simiot/n1/temp", payload, Arrival, DeviceCatalog.Default, out _, out string error));
        Assert.Contains("9 + 4", error, StringComparison.Ordinal);
    }
}
