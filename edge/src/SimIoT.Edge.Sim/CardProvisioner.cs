using System.Buffers.Binary;
using System.Net.Sockets;
using SimIoT.Protocol.V1;

namespace SimIoT.Edge.Sim;

/// <summary>
/// Personalises a SimIoT card: authenticates as administrator, writes identity, master key,
/// cloud endpoint, subscriptions and carrier, and locks it. The card refuses all of it
/// without the administrator key, and a locked card keeps its identity.
/// </summary>
public static class CardProvisioner
{
    /// <summary>The key a blank card is installed with unless its INSTALL gave another (docs/applet.md).</summary>
    public static byte[] TransportKey => Convert.FromHexString("404142434445464748494A4B4C4D4E4F");

    public static async Task ProvisionAsync(SimCard card, ReadOnlyMemory<byte> adminKey, Provisioning p, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(p);
        if (p.MasterKey.Length != 16) throw new ArgumentException("the master key is 16 bytes", nameof(p));
        if (!p.Subscriptions.Contains(p.InitialCarrier)) throw new ArgumentException($"the initial carrier {CarrierNames.ToName(p.InitialCarrier)} must be subscribed", nameof(p));

        await card.SelectAsync(cancellationToken).ConfigureAwait(false);
        await card.AuthenticateAsync(adminKey, cancellationToken).ConfigureAwait(false);
        progress?.Report("administrator authenticated");

        var id = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(id, p.ModemId.Value);
        await Put(PersonalisationObject.ModemId, id, $"modem id {p.ModemId}").ConfigureAwait(false);
        await Put(PersonalisationObject.MasterKey, p.MasterKey, "master key").ConfigureAwait(false);
        await Put(PersonalisationObject.Endpoint, EncodeEndpoint(p.CloudEndpoint), $"cloud endpoint {p.CloudEndpoint}").ConfigureAwait(false);

        ushort mask = 0;
        foreach (var c in p.Subscriptions) mask |= (ushort)(1 << (int)c);
        var maskBytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(maskBytes, mask);
        await Put(PersonalisationObject.Subscriptions, maskBytes, "subscriptions " + string.Join(", ", p.Subscriptions.Select(CarrierNames.ToName))).ConfigureAwait(false);
        await Put(PersonalisationObject.CurrentCarrier, [(byte)p.InitialCarrier], $"carrier {CarrierNames.ToName(p.InitialCarrier)}").ConfigureAwait(false);
        await Put(PersonalisationObject.LegacyMode, [p.Legacy ? (byte)1 : (byte)0], p.Legacy ? "legacy v1 mode" : "v2 secure frames").ConfigureAwait(false);
        if (p.FallbackSeconds is { } seconds)
        {
            var s = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(s, seconds);
            await Put(PersonalisationObject.FallbackSeconds, s, $"fallback after {seconds} s").ConfigureAwait(false);
        }
        if (p.NewAdminKey is { } admin) await Put(PersonalisationObject.AdminKey, admin, "new administrator key").ConfigureAwait(false);
        if (p.Lock) await Put(PersonalisationObject.Lock, [], "locked").ConfigureAwait(false);

        async Task Put(PersonalisationObject item, byte[] value, string what)
        {
            await card.PutDataAsync(item, value, cancellationToken).ConfigureAwait(false);
            progress?.Report(what);
        }
    }

    /// <summary>The endpoint item: tag <c>21</c> (IPv4) or <c>57</c> (IPv6), the address, the port big-endian.</summary>
    internal static byte[] EncodeEndpoint(System.Net.IPEndPoint endpoint)
    {
        var address = endpoint.Address.GetAddressBytes();
        var value = new byte[1 + address.Length + 2];
        value[0] = endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)0x57 : (byte)0x21;
        address.CopyTo(value, 1);
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(1 + address.Length), (ushort)endpoint.Port);
        return value;
    }
}
