namespace SimIoT.Edge.Queue;

/// <summary>
/// Bounds and durability of the store-and-forward queue.
///
/// fsync policy: every record is handed to the kernel with one write() before the call returns,
/// so a crash or kill of the agent loses nothing. The file is fsynced after every
/// <see cref="SyncEveryRecords"/> records and at most <see cref="SyncInterval"/> after the first
/// unsynced record, and on dispose. Power loss can therefore lose the records of the last
/// <see cref="SyncInterval"/> (and fewer than <see cref="SyncEveryRecords"/> records): lost frame
/// records are frames that will never be sent, lost acknowledgement records make already
/// acknowledged frames be sent again (the cloud drops them as replays). A record torn by the power
/// cut fails its CRC and is cut off at the next start. <c>SyncEveryRecords = 1</c> trades
/// throughput for losing nothing.
/// </summary>
public sealed record FrameQueueOptions
{
    /// <summary>Frames kept at most; beyond, the oldest is dropped and counted.</summary>
    public int MaxFrames { get; init; } = 100_000;

    /// <summary>Bytes of frame data kept at most (also what the queue holds in memory).</summary>
    public long MaxBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>A segment file is closed and a new one begun past this size.</summary>
    public long SegmentBytes { get; init; } = 1024 * 1024;

    public int SyncEveryRecords { get; init; } = 32;

    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Largest frame accepted (a v2 frame fits in a UDP datagram).</summary>
    public int MaxFrameBytes { get; init; } = 65_507;
}
