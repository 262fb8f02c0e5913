using System.Net;
using System.Net.Sockets;

namespace SimIoT.Cloud.Gateway;

/// <summary>SocketAddress to IPEndPoint for either family (IPEndPoint.Create insists on a matching template).</summary>
public static class SocketAddressText
{
    private static readonly IPEndPoint V4 = new(IPAddress.Any, 0);
    private static readonly IPEndPoint V6 = new(IPAddress.IPv6Any, 0);

    public static IPEndPoint ToEndPoint(SocketAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var endpoint = (IPEndPoint)(address.Family == AddressFamily.InterNetworkV6 ? V6 : V4).Create(address);
        // A dual-mode socket reports IPv4 senders as ::ffff:a.b.c.d; show and identify them as IPv4.
        return endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;
    }
}
