using System.Globalization;

namespace SimIoT.Hil.Tests.Rig;

/// <summary>
/// Simulated or hardware, per part, from the environment. The card and the sensors switch
/// independently: <c>SIMIOT_HIL_READER</c> (a PC/SC reader name substring) puts a physical,
/// already personalised card in place of the applet's JVM card host; <c>SIMIOT_HIL_I2C_BUS</c>
/// (a bus number) puts the real MPU-6050 (0x68) and BME280 (0x76) in place of the emulated ones.
/// </summary>
public static class RigMode
{
    public static string? Reader => Env("SIMIOT_HIL_READER");

    public static int? I2cBus => Env("SIMIOT_HIL_I2C_BUS") is { } bus ? int.Parse(bus, CultureInfo.InvariantCulture) : null;

    public static bool HardwareCard => Reader is not null;

    public static bool HardwareSensors => I2cBus is not null;

    /// <summary>What a physical card was personalised with (<c>simiot-edge provision</c>, docs/hil.md).</summary>
    public static string? CardModemId => Env("SIMIOT_HIL_MODEM_ID");

    public static string? CardMasterKey => Env("SIMIOT_HIL_MASTER_KEY");

    /// <summary>The UDP port the physical card was personalised to reach (default 6001, the seed's).</summary>
    public static int CardCloudPort => Env("SIMIOT_HIL_UDP_PORT") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 6001;

    /// <summary>The published linux-arm64 <c>simiot-edge</c> that arm64 scenarios run under qemu (<c>./simiot hil --edge-arch arm64</c> sets it).</summary>
    public static string? Arm64Agent => Env("SIMIOT_HIL_EDGE_ARM64");

    public static string Describe =>
        $"card: {(HardwareCard ? $"pcsc '{Reader}'" : "applet (JVM card host over vpcd)")}; sensors: {(HardwareSensors ? $"i2c-{I2cBus}" : "emulated")}";

    public static string Short => (HardwareCard, HardwareSensors) switch
    {
        (false, false) => "simulated",
        (true, true) => "hardware",
        (true, false) => "hardware card, emulated sensors",
        (false, true) => "applet card, real sensors",
    };

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}

/// <summary>A scenario that needs a card the rig personalises itself (carriers, fallback, pulling it): skipped with a physical card.</summary>
public sealed class VirtualCardFactAttribute : FactAttribute
{
    public VirtualCardFactAttribute()
    {
        if (RigMode.HardwareCard)
            Skip = "needs a card the rig personalises per scenario and can pull (the applet's card host); SIMIOT_HIL_READER selects a physical card";
    }
}

/// <summary>Runs only with real hardware attached and named; otherwise reported as skipped, never as passed.</summary>
public sealed class HardwareFactAttribute : FactAttribute
{
    public HardwareFactAttribute()
    {
        if (!RigMode.HardwareCard && !RigMode.HardwareSensors)
            Skip = "hardware mode: no hardware named; set SIMIOT_HIL_READER (PC/SC reader substring, with SIMIOT_HIL_MODEM_ID and SIMIOT_HIL_MASTER_KEY) and/or SIMIOT_HIL_I2C_BUS (docs/hil.md)";
        else if (RigMode.HardwareCard && (RigMode.CardModemId is null || RigMode.CardMasterKey is null))
            Skip = "SIMIOT_HIL_READER is set but SIMIOT_HIL_MODEM_ID / SIMIOT_HIL_MASTER_KEY (what the card was personalised with) are not";
    }
}

/// <summary>A scenario run with the linux-arm64 agent under qemu: skipped, with the reason, when that agent or qemu is not there.</summary>
public sealed class Arm64AgentFactAttribute : FactAttribute
{
    public Arm64AgentFactAttribute()
    {
        if (RigMode.HardwareCard)
            Skip = "the arm64 agent runs with the applet's card host (a physical card is named in SIMIOT_HIL_READER)";
        else if (RigMode.Arm64Agent is null)
            Skip = "no arm64 agent: SIMIOT_HIL_EDGE_ARM64 names the published linux-arm64 simiot-edge (./simiot hil --edge-arch arm64 and ./simiot test publish it and set it)";
        else if (!File.Exists("/usr/bin/qemu-aarch64-static") && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.Arm64)
            Skip = "qemu-aarch64-static is not installed (qemu-user-static, scripts/apt-packages.txt)";
        else if (Environment.UserName != "root")
            Skip = "the arm64 agent's private pcscd needs root (unshare, mount)";
    }
}
