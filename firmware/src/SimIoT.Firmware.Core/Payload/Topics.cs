namespace SimIoT.Firmware.Payload;

/// <summary>docs/mqtt.md: readings go to <c>simiot/&lt;node&gt;/&lt;device&gt;</c>.</summary>
public static class Topics
{
    public const string Prefix = "simiot/";

    public static string Reading(string node, string device) => Prefix + node + "/" + device;
}
