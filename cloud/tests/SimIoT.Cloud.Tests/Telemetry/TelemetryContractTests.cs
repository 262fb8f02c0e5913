using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Telemetry;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Tests.Telemetry;

public class TelemetryContractTests
{
    public static TheoryData<uint, int[]> Readings => new()
    {
        { DeviceCatalog.Temperature, [2150] },
        { DeviceCatalog.Imu, [-50, 49, 1000] },
        { DeviceCatalog.Gyro, [int.MinValue, 0, int.MaxValue] },
    };

    [Theory]
    [MemberData(nameof(Readings))]
    public void A_typed_reading_becomes_the_same_topic_bytes_the_seed_contract_has(uint device, int[] values)
    {
        var packet = V1Packet.IotData(device, new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567), TelemetryValues.Encode(values));
        Assert.True(TelemetryMessage.TryCreate("5100000000000001", packet, out var message));
        Assert.True(TelemetryContract.TryCreate("5100000000000001", "temp", packet, out var point));
        Assert.Equal(ContractJson.Serialize(message), TelemetryContract.ToJson(point));
    }

    [Theory]
    [MemberData(nameof(Readings))]
    public void A_reading_read_back_from_its_json_is_the_typed_one(uint device, int[] values)
    {
        var packet = V1Packet.IotData(device, new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567), TelemetryValues.Encode(values));
        Assert.True(TelemetryContract.TryCreate("5100000000000001", "imu", packet, out var typed));
        Assert.True(TelemetryContract.TryRead(new BusMessage("imu", "5100000000000001", TelemetryContract.ToJson(typed)), out var parsed));
        Assert.Equal((typed.ModemId, typed.Sensor, typed.DeviceId, typed.Timestamp, typed.Timestamp.Kind), (parsed.ModemId, parsed.Sensor, parsed.DeviceId, parsed.Timestamp, parsed.Timestamp.Kind));
        Assert.Equal(typed.Values, parsed.Values);
    }
}
