namespace SimIoT.Edge.Queue;

/// <summary>A frame the card made, waiting for the cloud's acknowledgement of its uplink sequence.</summary>
public sealed record QueuedFrame(uint Sequence, byte[] Frame);
