namespace SimIoT.Protocol.Kafka;

/// <summary>The seed's topic names; telemetry topics are the device nicknames (<see cref="Telemetry.DeviceCatalog"/>).</summary>
public static class KafkaTopics
{
    public const string CarrierSwitchAck = "carrier-switch-ack";
    public const string DownstreamRequest = "downstream-request";
    public const string CarrierSwitchPerformType = "carrier-switch-perform";
}
