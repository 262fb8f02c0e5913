using System.Net;
using Microsoft.Extensions.Options;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Which sources may speak v1 (which carries no identity, so the source address is all there is):
/// only those in Gateway:LegacyNetworks when any are configured. The count bound is the registry's
/// (<see cref="ModemRegistry.GetOrAddLegacy"/>).
/// </summary>
public sealed class LegacyAdmission(IOptions<GatewayOptions> options)
{
    private readonly IPNetwork[] _networks = options.Value.LegacyNetworks.Select(Parse).ToArray();

    public int MaxModems { get; } = options.Value.LegacyMaxModems;

    public bool Allows(IPAddress address)
    {
        if (_networks.Length == 0) return true;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in _networks)
            if (network.Contains(address)) return true;
        return false;
    }

    private static IPNetwork Parse(string text) =>
        IPNetwork.TryParse(text.Trim(), out var network) ? network
            : throw new OptionsValidationException(GatewayOptions.Section, typeof(GatewayOptions), [$"Gateway:LegacyNetworks: '{text}' is not a network in CIDR form (such as 10.20.0.0/16)"]);
}
