namespace SimIoT.Cloud.Commands;

public sealed class CommandOptions
{
    public const string Section = "Commands";

    /// <summary>How long a sent command waits for its result before it is sent again.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Transmissions before a command is timed out; also the most a request may ask for (<c>maxAttempts</c>).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The longest time to live a request may ask for (<c>ttl</c>, seconds).</summary>
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Open (queued or sent) commands a modem may have; a request past it is a 429.</summary>
    public int MaxQueuedPerModem { get; set; } = 8;

    /// <summary>A command still queued after this long expires.</summary>
    public TimeSpan QueuedTimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a gateway reads the open commands from the store (and at start), so none is missed.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(5);
}
