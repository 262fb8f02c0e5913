namespace SimIoT.Edge.Modem;

/// <summary>
/// The "Edge:Modem" section: what the agent does when the SIM asks for a REFRESH (after a
/// carrier switch) to make the cellular module re-read the SIM and attach again.
/// </summary>
public sealed class ModemOptions
{
    public const string Simulated = "simulated";
    public const string At = "at";

    /// <summary>"simulated" (log and wait: the demo, machines without a module) or "at" (AT commands on <see cref="SerialPort"/>).</summary>
    public string Kind { get; set; } = Simulated;

    /// <summary>The module's AT command port, for example /dev/ttyUSB2 (Quectel) or /dev/ttyACM0.</summary>
    public string? SerialPort { get; set; }

    public int BaudRate { get; set; } = 115200;

    /// <summary>
    /// Sent in order on a REFRESH, each after the previous one answered OK; empty for
    /// <see cref="DefaultRefreshCommands"/>. (Empty rather than pre-filled: the configuration
    /// binder appends to a list that already has items.)
    /// </summary>
    public List<string> RefreshCommands { get; set; } = [];

    /// <summary>The radio off and on (3GPP TS 27.007 +CFUN): the module re-reads the SIM and registers.</summary>
    public static IReadOnlyList<string> DefaultRefreshCommands { get; } = ["AT+CFUN=0", "AT+CFUN=1"];

    public IReadOnlyList<string> EffectiveRefreshCommands => RefreshCommands.Count > 0 ? RefreshCommands : DefaultRefreshCommands;

    /// <summary>How long one command may take to answer (+CFUN can take seconds on real modules).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Polled after the refresh commands until it reports registered (stat 1 home or 5 roaming); empty to not wait.</summary>
    public string RegistrationQuery { get; set; } = "AT+CEREG?";

    /// <summary>How long to wait for registration before the REFRESH is answered as failed.</summary>
    public TimeSpan AttachTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan RegistrationPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
