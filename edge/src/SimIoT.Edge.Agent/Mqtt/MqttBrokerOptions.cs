using System.Net;

namespace SimIoT.Edge.Mqtt;

/// <summary>The embedded broker for satellite sensor nodes.</summary>
public sealed record MqttBrokerOptions
{
    /// <summary>The bind address when none is configured: readings published here are signed by the SIM, so the LAN is opt-in.</summary>
    public const string DefaultBindAddress = "127.0.0.1";

    public bool Enabled { get; init; } = true;

    /// <summary>1883 by default; 0 picks a free port (tests), readable from <see cref="MqttReadingBroker.Port"/>.</summary>
    public int Port { get; init; } = 1883;

    /// <summary>Address to listen on; loopback unless configured (e.g. 0.0.0.0 for nodes on the LAN, which then needs <see cref="Username"/> and <see cref="Password"/>).</summary>
    public string? BindAddress { get; init; } = DefaultBindAddress;

    /// <summary>When set, clients must connect with this user name and <see cref="Password"/>.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>
    /// The address to bind. Throws <see cref="InvalidOperationException"/> for an address that is not one,
    /// and for a non-loopback address without a user name and password: any host that can reach it could
    /// otherwise inject readings that the SIM then signs as this device's.
    /// </summary>
    public IPAddress ResolveBindAddress()
    {
        string text = string.IsNullOrWhiteSpace(BindAddress) ? DefaultBindAddress : BindAddress.Trim();
        if (!IPAddress.TryParse(text, out var address))
            throw new InvalidOperationException($"Edge:Mqtt:BindAddress '{text}' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for all interfaces).");
        if (!IPAddress.IsLoopback(address) && (string.IsNullOrEmpty(Username) || string.IsNullOrEmpty(Password)))
            throw new InvalidOperationException(
                $"Edge:Mqtt:BindAddress {address} is reachable from other hosts, but no Edge:Mqtt:Username and Edge:Mqtt:Password are set: " +
                "anyone on that network could publish readings the SIM would sign. Set both, or bind 127.0.0.1, or set Edge:Mqtt:Enabled=false.");
        return address;
    }
}
