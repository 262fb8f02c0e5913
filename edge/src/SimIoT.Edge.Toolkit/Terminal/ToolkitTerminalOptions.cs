namespace SimIoT.Edge.Toolkit.Terminal;

/// <summary>Limits of the terminal (modem) role.</summary>
public sealed class ToolkitTerminalOptions
{
    /// <summary>The largest channel buffer the terminal grants; a larger request gets this with result 07.</summary>
    public int MaxBufferSize { get; set; } = 1500;

    /// <summary>Proactive commands fetched in a row before the terminal stops, so a looping card cannot hang the agent.</summary>
    public int MaxProactiveChain { get; set; } = 64;

    /// <summary>How long to wait before repeating an ENVELOPE the card answered with 9300 (toolkit busy).</summary>
    public TimeSpan BusyRetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);
}
