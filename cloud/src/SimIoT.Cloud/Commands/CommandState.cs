namespace SimIoT.Cloud.Commands;

/// <summary>Life of a carrier switch command (docs/operations.md has the diagram).</summary>
public enum CommandState
{
    /// <summary>Waiting for its turn, or for a fresh NAT binding of the modem.</summary>
    Queued,
    /// <summary>On the wire, waiting for the result; retransmitted after the ack timeout.</summary>
    Sent,
    Acked,
    Nacked,
    /// <summary>Every attempt went unanswered.</summary>
    TimedOut,
    /// <summary>Its time to live passed while it was still queued, or its modem is gone.</summary>
    Expired,
    /// <summary>An operator cancelled it while it was still queued: it was never sent.</summary>
    Cancelled,
    /// <summary>Its modem was deleted while the command was open.</summary>
    ModemDeleted,
}
