using System.Buffers.Binary;
using System.Security.Cryptography;
using SimIoT.Protocol.V1;

namespace SimIoT.Protocol.V2;

/// <summary>
/// The path challenge (RFC 9000 section 8.2 in spirit): the cloud sends a random nonce to an
/// address a modem's frame came from but the binding is not; the modem's SIM seals it back in
/// its next uplink-data frame as a <em>path response</em> reading. Only an address that hears
/// the nonce and holds the SIM can answer, so only a modem that really moved can move its
/// binding (docs/protocol.md, "Path challenge"). The challenge itself is not sealed: it asks
/// for nothing but a frame the SIM would make anyway, and a forged one proves nothing.
/// </summary>
public static class PathChallenge
{
    /// <summary>Byte 1 after the <see cref="SecureFrame.Magic"/>: a kind no sealed frame uses.</summary>
    public const byte Kind = 0x05;
    public const int NonceLength = 16;
    /// <summary>magic (1) ‖ kind (1) ‖ modem id (8) ‖ nonce (16).</summary>
    public const int Length = 2 + 8 + NonceLength;

    /// <summary>The device id of the path response reading: reserved, never a sensor's.</summary>
    public const uint ResponseDeviceId = 0xFFFFFFFF;

    /// <summary>A fresh nonce from the operating system's CSPRNG.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceLength);

    public static byte[] Write(ModemId modem, ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != NonceLength) throw new ArgumentException($"a nonce is {NonceLength} bytes", nameof(nonce));
        var datagram = new byte[Length];
        datagram[0] = SecureFrame.Magic;
        datagram[1] = Kind;
        BinaryPrimitives.WriteUInt64BigEndian(datagram.AsSpan(2), modem.Value);
        nonce.CopyTo(datagram.AsSpan(10));
        return datagram;
    }

    /// <summary>True when the datagram is a path challenge (exactly <see cref="Length"/> bytes); never throws.</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out ModemId modem, out byte[] nonce)
    {
        modem = default;
        nonce = [];
        if (datagram.Length != Length || datagram[0] != SecureFrame.Magic || datagram[1] != Kind) return false;
        modem = new ModemId(BinaryPrimitives.ReadUInt64BigEndian(datagram[2..]));
        nonce = datagram[10..].ToArray();
        return true;
    }

    /// <summary>The reading that carries the nonce back, sealed by the SIM like any other.</summary>
    public static V1Packet Response(ReadOnlySpan<byte> nonce, DateTime timestamp) =>
        V1Packet.IotData(ResponseDeviceId, timestamp, nonce.ToArray());

    /// <summary>True for a path response reading (whatever its nonce; the cloud checks that).</summary>
    public static bool IsResponse(V1Packet packet) =>
        packet.Kind == V1PacketKind.IotData && packet.DeviceId == ResponseDeviceId;

    /// <summary>True when one of the frame's readings is a path response carrying <paramref name="nonce"/> (compared in constant time).</summary>
    public static bool Answers(ReadOnlyMemory<byte> uplinkPayload, int version, ReadOnlySpan<byte> nonce)
    {
        var reader = new UplinkBatchReader(uplinkPayload, version);
        bool answered = false;
        while (reader.TryRead(out var packet, out _))
        {
            if (IsResponse(packet) && packet.Data.Length == nonce.Length && CryptographicOperations.FixedTimeEquals(packet.Data.Span, nonce)) answered = true;
        }
        return answered;
    }
}
