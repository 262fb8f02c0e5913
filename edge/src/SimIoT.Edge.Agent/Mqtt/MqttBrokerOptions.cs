namespace SimIoT.Edge.Mqtt;

/// <summary>The embedded broker for satellite sensor nodes.</summary>
public sealed record MqttBrokerOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>1883 by default; 0 picks a free port (tests), readable from <see cref="MqttReadingBroker.Port"/>.</summary>
    public int Port { get; init; } = 1883;

    /// <summary>Address to listen on; null for all interfaces (the nodes are on the LAN).</summary>
    public string? BindAddress { get; init; }

    /// <summary>When set, clients must connect with this user name and <see cref="Password"/>.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }
}
