using System.Text;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Protocol.Tests.Kafka;

public class ContractJsonTests
{
    private static readonly DateTime Stamp = new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560);

    [Fact]
    public void A_single_value_reading_is_the_seed_shape_plus_additive_fields()
    {
        var packet = V1Packet.IotData(3, Stamp, TelemetryValues.Encode(2342));
        Assert.True(TelemetryMessage.TryCreate("00000000000004d2", packet, out var message));
        Assert.Equal("""{"timestamp":"2026-11-24T10:00:00.123456","data":2342,"modemId":"00000000000004d2","deviceId":3}""",
            Encoding.UTF8.GetString(ContractJson.Serialize(message)));
        Assert.Equal("temp", DeviceCatalog.Default.Resolve(packet.DeviceId).Nickname);
    }

    [Fact]
    public void A_multi_axis_reading_keeps_data_an_integer_and_adds_values()
    {
        var packet = V1Packet.IotData(1, Stamp, TelemetryValues.Encode(-12, 980, 31));
        Assert.True(TelemetryMessage.TryCreate("00000000000004d2", packet, out var message));
        Assert.Equal("""{"timestamp":"2026-11-24T10:00:00.123456","data":-12,"modemId":"00000000000004d2","deviceId":1,"values":[-12,980,31]}""",
            Encoding.UTF8.GetString(ContractJson.Serialize(message)));
    }

    [Fact]
    public void Whole_seconds_still_carry_six_fractional_digits()
    {
        Assert.Equal("2026-01-01T00:00:00.000000", IsoTimestamp.ToText(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void Data_that_is_not_whole_int32_values_is_refused()
    {
        Assert.False(TelemetryMessage.TryCreate("x", V1Packet.IotData(1, Stamp, new byte[] { 1, 2, 3 }), out _));
        Assert.False(TelemetryMessage.TryCreate("x", V1Packet.IotData(1, Stamp, Array.Empty<byte>()), out _));
    }

    [Fact]
    public void Seed_ack_and_request_shapes_serialise_exactly()
    {
        Assert.Equal("""{"status":"ACK","carrier":"Verizon"}""",
            Encoding.UTF8.GetString(ContractJson.Serialize(new CarrierSwitchAckMessage("ACK", "Verizon"))));
        Assert.Equal("""{"status":"NACK","carrier":"AT&T","modemId":"00000000000004d2","commandId":7}""",
            Encoding.UTF8.GetString(ContractJson.Serialize(new CarrierSwitchAckMessage("NACK", "AT&T", "00000000000004d2", 7))));
        Assert.Equal("""{"type":"carrier-switch-perform","metadata":"T-Mobile"}""",
            Encoding.UTF8.GetString(ContractJson.Serialize(new DownstreamRequestMessage(KafkaTopics.CarrierSwitchPerformType, "T-Mobile"))));
    }

    [Fact]
    public void A_seed_producer_request_parses_and_garbage_gives_a_reason()
    {
        Assert.True(ContractJson.TryDeserialize<DownstreamRequestMessage>("""{"type": "carrier-switch-perform", "metadata": "Verizon"}"""u8, out var request, out _));
        Assert.Equal("Verizon", request!.Metadata);
        Assert.Null(request.ModemId);
        Assert.True(CarrierNames.TryParse(request.Metadata, out var carrier));
        Assert.Equal(Carrier.Verizon, carrier);

        Assert.False(ContractJson.TryDeserialize<DownstreamRequestMessage>("{not json"u8, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
