using System.Buffers.Binary;
using SimIoT.Protocol.Temporenc;

namespace SimIoT.Protocol.V1;

/// <summary>
/// One seed-format packet. A struct, so decoding allocates nothing: the data of an
/// IoT Data packet is a slice of the datagram it was decoded from.
/// </summary>
public readonly struct V1Packet : IEquatable<V1Packet>
{
    public const int IotDataHeaderLength = 14;
    public const int MaxDataLength = byte.MaxValue;

    private V1Packet(V1PacketKind kind, uint deviceId, DateTime timestamp, ReadOnlyMemory<byte> data,
        IotStatus status, Carrier carrier, AckStatus ackStatus)
    {
        Kind = kind;
        DeviceId = deviceId;
        Timestamp = timestamp;
        Data = data;
        Status = status;
        Carrier = carrier;
        AckStatus = ackStatus;
    }

    public V1PacketKind Kind { get; }

    /// <summary>IoT Data: the sensor's device id.</summary>
    public uint DeviceId { get; }

    /// <summary>IoT Data: when the reading was sampled, UTC, microsecond precision.</summary>
    public DateTime Timestamp { get; }

    /// <summary>IoT Data: the reading (see <see cref="Telemetry.TelemetryValues"/>).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>IoT Status: the status code.</summary>
    public IotStatus Status { get; }

    /// <summary>Perform: the requested carrier. ACK: the carrier the SIM now holds.</summary>
    public Carrier Carrier { get; }

    /// <summary>ACK: whether the switch succeeded.</summary>
    public AckStatus AckStatus { get; }

    /// <param name="timestamp">UTC; sub-microsecond ticks are dropped, as the wire carries microseconds.</param>
    public static V1Packet IotData(uint deviceId, DateTime timestamp, ReadOnlyMemory<byte> data)
    {
        if (data.Length > MaxDataLength) throw new ArgumentOutOfRangeException(nameof(data), "at most 255 bytes of data");
        if (timestamp.Year < 1 || timestamp.Year > 4094) throw new ArgumentOutOfRangeException(nameof(timestamp));
        var truncated = new DateTime(timestamp.Ticks - timestamp.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
        return new(V1PacketKind.IotData, deviceId, truncated, data, default, default, default);
    }

    public static V1Packet IotStatusReport(IotStatus status) =>
        Enum.IsDefined(status) ? new(V1PacketKind.IotStatus, 0, default, default, status, default, default)
            : throw new ArgumentOutOfRangeException(nameof(status));

    public static V1Packet Perform(Carrier carrier) =>
        Enum.IsDefined(carrier) ? new(V1PacketKind.CarrierSwitchPerform, 0, default, default, default, carrier, default)
            : throw new ArgumentOutOfRangeException(nameof(carrier));

    public static V1Packet Ack(AckStatus status, Carrier carrier) =>
        Enum.IsDefined(status) && Enum.IsDefined(carrier) ? new(V1PacketKind.CarrierSwitchAck, 0, default, default, default, carrier, status)
            : throw new ArgumentOutOfRangeException(nameof(status));

    public int EncodedLength => Kind == V1PacketKind.IotData ? IotDataHeaderLength + Data.Length : 2;

    /// <summary>Writes the packet; returns the number of bytes written.</summary>
    public int WriteTo(Span<byte> destination)
    {
        int length = EncodedLength;
        if (destination.Length < length) throw new ArgumentException("destination too short", nameof(destination));
        destination[0] = (byte)Kind;
        switch (Kind)
        {
            case V1PacketKind.IotData:
                BinaryPrimitives.WriteUInt32BigEndian(destination[1..], DeviceId);
                TemporencDateTime.FromDateTime(Timestamp).WriteTo(destination[5..]);
                destination[13] = (byte)Data.Length;
                Data.Span.CopyTo(destination[14..]);
                break;
            case V1PacketKind.IotStatus:
                destination[1] = (byte)((byte)Status << 4);
                break;
            case V1PacketKind.CarrierSwitchPerform:
                destination[1] = (byte)((byte)Carrier << 4);
                break;
            default:
                destination[1] = (byte)(((byte)AckStatus << 4) | (byte)Carrier);
                break;
        }
        return length;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[EncodedLength];
        WriteTo(bytes);
        return bytes;
    }

    public bool Equals(V1Packet other) =>
        Kind == other.Kind && DeviceId == other.DeviceId && Timestamp == other.Timestamp
        && Data.Span.SequenceEqual(other.Data.Span) && Status == other.Status
        && Carrier == other.Carrier && AckStatus == other.AckStatus;

    public override bool Equals(object? obj) => obj is V1Packet other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Kind, DeviceId, Timestamp, Data.Length, Status, Carrier, AckStatus);

    public static bool operator ==(V1Packet left, V1Packet right) => left.Equals(right);

    public static bool operator !=(V1Packet left, V1Packet right) => !left.Equals(right);

    public override string ToString() => Kind switch
    {
        V1PacketKind.IotData => $"IotData(device {DeviceId}, {Timestamp:O}, {Convert.ToHexStringLower(Data.Span)})",
        V1PacketKind.IotStatus => $"IotStatus({Status})",
        V1PacketKind.CarrierSwitchPerform => $"Perform({CarrierNames.ToName(Carrier)})",
        _ => $"Ack({AckStatus}, {CarrierNames.ToName(Carrier)})",
    };
}
