namespace SimIoT.Edge.Uplink;

/// <summary>The "Edge:Uplink" section: how the agent keeps the link to the cloud alive and complete.</summary>
public sealed class UplinkOptions
{
    /// <summary>
    /// Send an (empty, authenticated) keepalive frame when nothing went up for this long. Carrier
    /// NATs forget idle UDP bindings after 30-120 s; 20 s (docs/operations.md) keeps the cloud able to reach the modem.
    /// </summary>
    public TimeSpan Keepalive { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Resend a frame the cloud has not acknowledged after this long.</summary>
    public TimeSpan ReplayAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rounds of 32 frames resent per second at most, oldest first, each after the previous round was acknowledged.</summary>
    public int ReplayRoundsPerTick { get; set; } = 50;

    /// <summary>Wait between attempts to reach a missing or reset card, doubling up to the maximum.</summary>
    public TimeSpan RecoveryInitial { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RecoveryMax { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest a reading waits in the card's open v3 frame before the agent has it sealed (the
    /// card has no clock); checked after every batch and once a second. A frame that fills up
    /// (about 45 readings) leaves at once.
    /// </summary>
    public TimeSpan FrameDeadline { get; set; } = TimeSpan.FromMilliseconds(200);
}
