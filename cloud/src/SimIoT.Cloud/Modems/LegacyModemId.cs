using System.Net;
using System.Net.Sockets;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Modems;

/// <summary>
/// A v1 modem has no identity in its packets, so its identity is its source endpoint. The id is
/// readable for IPv4: ff00 | address | port, e.g. 127.0.0.1:5000 is ff007f0000011388.
/// </summary>
public static class LegacyModemId
{
    private const ulong Prefix = 0xff00_0000_0000_0000;

    public static ModemId From(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var address = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            ulong ip = (ulong)bytes[0] << 24 | (ulong)bytes[1] << 16 | (ulong)bytes[2] << 8 | bytes[3];
            return new ModemId(Prefix | ip << 16 | (ushort)endpoint.Port);
        }
        // IPv6: a stable hash of the address and port under a separate prefix.
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(endpoint.ToString()));
        ulong hash = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(digest);
        return new ModemId(0xfe00_0000_0000_0000 | (hash & 0x00ff_ffff_ffff_ffff));
    }

    public static bool IsLegacy(ModemId id) => (id.Value >> 56) is 0xff or 0xfe;
}
