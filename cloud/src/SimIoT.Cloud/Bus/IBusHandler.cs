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

    ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken);
}
