namespace SimIoT.Protocol.Telemetry;

/// <summary>What a device id means: its Kafka topic (nickname), its axes and their unit.</summary>
public sealed record DeviceProfile(uint DeviceId, string Nickname, IReadOnlyList<string> Axes, string Unit)
{
    public bool IsMultiAxis => Axes.Count > 1;
}
