using SimIoT.Protocol.V2;

namespace SimIoT.Protocol.Cli;

/// <summary>The names of frame kinds in JSON: uplink-data, uplink-ack, downlink-command, command-result.</summary>
public static class FrameKindNames
{
    public static string ToName(FrameKind kind) => kind switch
    {
        FrameKind.UplinkData => "uplink-data",
        FrameKind.UplinkAck => "uplink-ack",
        FrameKind.DownlinkCommand => "downlink-command",
        _ => "command-result",
    };

    public static FrameKind Parse(string name)
    {
        foreach (var kind in Enum.GetValues<FrameKind>())
        {
            if (ToName(kind) == name) return kind;
        }
        throw new InspectorException($"unknown frame kind '{name}' (uplink-data, uplink-ack, downlink-command, command-result)");
    }
}
