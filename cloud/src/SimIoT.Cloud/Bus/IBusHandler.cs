namespace SimIoT.Cloud.Bus;

/// <summary>
/// A consumer of bus topics. Transports find every handler in the container and feed it.
/// A topic starting with '^' is a regular expression (Kafka's convention).
/// </summary>
public interface IBusHandler
{
    /// <summary>Stable name: with Kafka it becomes the consumer group of a shared handler.</summary>
    string Name { get; }

    IReadOnlyList<string> Topics { get; }

    /// <summary>True: every process gets every record (SSE, gateway commands). False: instances share the work (store sink).</summary>
    bool Broadcast { get; }

    /// <summary>True for the handler that makes records durable (the store sink): it completes their receipts.</summary>
    bool Stores => false;

    /// <summary>
    /// True when <see cref="HandleAsync"/> only hands the record on (to the handler's own queue), never
    /// waits and is safe from any thread: the in-process bus then calls it on the publisher's thread
    /// instead of waking a dispatcher for it (a thread wake-up per record was most of the ingest
    /// cost; docs/performance.md, "Ingest CPU per datagram"). Other transports ignore it.
    /// </summary>
    bool Inline => false;

    /// <summary>
    /// True while a record would be dropped by the handler anyway (SSE with no client connected):
    /// the in-process bus does not queue it then. Read per record, so it may change at any time.
    /// </summary>
    bool Idle => false;

    /// <summary>
    /// Where a consumer with no committed position starts: true at the end as it is when the
    /// consumer joins (what came before is not its business), false at the beginning (nothing
    /// may be skipped: the store sink). Either way nothing published after the bus is ready is missed.
    /// </summary>
    bool StartAtEnd => Broadcast;

    ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken);
}
