namespace SimIoT.Firmware.Network;

/// <summary>
/// The MQTT client as the node uses it, shaped like M2Mqtt's <c>MqttClient</c> (Connect returns
/// the CONNACK code, Publish is QoS 1) but blocking with a bound, so the loop never waits forever.
/// </summary>
public interface IMqttLink
{
    bool IsConnected { get; }

    /// <summary>
    /// MQTT 3.1.1 CONNACK return code: 0 accepted, 4 bad user name or password, 5 not authorized, ...
    /// Throws <see cref="LinkException"/> when the broker cannot be reached in time.
    /// </summary>
    byte Connect(string clientId, string? user, string? password);

    /// <summary>Publishes at QoS 1; true when the PUBACK came in time. False means "maybe delivered": the link is then unusable.</summary>
    bool Publish(string topic, byte[] payload);

    void Disconnect();
}
