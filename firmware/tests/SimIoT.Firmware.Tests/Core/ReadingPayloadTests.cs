using SimIoT.Edge.Mqtt;
using SimIoT.Firmware.Payload;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Firmware.Tests.Core;

public class ReadingPayloadTests
{
    [Fact]
    public void The_temperature_example_of_docs_mqtt_md_is_encoded_byte_for_byte()
    {
        // docs/mqtt.md: temp = 21.50 °C at 2026-03-01T12:00:00Z is 01 00064BF535AF1000 00000866.
        long t = (new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / 10;
        Assert.Equal("0100064bf535af100000000866", Convert.ToHexStringLower(ReadingPayload.Encode(t, [2150, 7, 7], 1)));
    }

    [Fact]
    public void An_imu_reading_is_21_bytes_with_negative_values_in_twos_complement()
    {
        byte[] payload = ReadingPayload.Encode(0, [12, -34, 981], 3);
        Assert.Equal("010000000000000000" + "0000000c" + "ffffffde" + "000003d5", Convert.ToHexStringLower(payload));
    }

    [Theory]
    [InlineData("imu", 3)]
    [InlineData("gyro", 3)]
    [InlineData("temp", 1)]
    public void The_agents_parser_accepts_the_nodes_topic_and_payload(string device, int axes)
    {
        var t = new DateTime(2026, 11, 30, 21, 0, 0, DateTimeKind.Utc).AddTicks(1230);
        long micros = (t - DateTime.UnixEpoch).Ticks / 10;
        int[] values = [-1, int.MaxValue, int.MinValue];
        bool ok = MqttReadingPayload.TryDecode(Topics.Reading("esp32-hall", device), ReadingPayload.Encode(micros, values, axes), t.AddSeconds(1), DeviceCatalog.Default, out var reading, out string error);
        Assert.True(ok, error);
        Assert.Equal(values.Take(axes), reading.Values);
        Assert.Equal(t, reading.TimestampUtc);
        Assert.Equal("mqtt:esp32-hall", reading.Origin);
    }

    [Fact]
    public void Timestamp_zero_is_stamped_by_the_agent_on_arrival()
    {
        var arrival = new DateTime(2026, 11, 30, 21, 0, 0, DateTimeKind.Utc);
        Assert.True(MqttReadingPayload.TryDecode("simiot/n1/temp", ReadingPayload.Encode(0, [2150], 1), arrival, DeviceCatalog.Default, out var reading, out string error), error);
        Assert.Equal(arrival, reading.TimestampUtc);
    }
}
