using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Cloud.Bus;

/// <summary>
/// Topic names. The seed's (telemetry nicknames, carrier-switch-ack, downstream-request) keep their
/// JSON shapes; command-state and modem-changes are ours, for the API and the gateways to agree.
/// </summary>
public static class CloudTopics
{
    public const string CarrierSwitchAck = KafkaTopics.CarrierSwitchAck;
    public const string DownstreamRequest = KafkaTopics.DownstreamRequest;
    public const string CommandState = "command-state";
    public const string ModemChanges = "modem-changes";

    /// <summary>Every audited state change (keyed by organization), for consumers outside the cloud.</summary>
    public const string Audit = "audit";

    /// <summary>Telemetry of devices missing from the catalog goes to device-&lt;id&gt;.</summary>
    public const string UnknownDevicePattern = "^device-[0-9]+$";

    public static IReadOnlyList<string> Telemetry(DeviceCatalog catalog) =>
        [.. catalog.Profiles.Select(p => p.Nickname), UnknownDevicePattern];
}
