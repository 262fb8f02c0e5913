using Microsoft.Extensions.Logging;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Consumes downstream-request in every gateway. The API's requests name the modem and the
/// command id; a seed producer's name neither, and <see cref="SeedRequestHandler"/> makes them
/// into such a request first.
/// </summary>
public sealed class DownstreamRequestHandler(
    CommandTracker tracker,
    ModemRegistry registry,
    ICommandStore store,
    TimeProvider time,
    ILogger<DownstreamRequestHandler> logger) : IBusHandler
{
    public string Name => "gateway-commands";
    public IReadOnlyList<string> Topics { get; } = [CloudTopics.DownstreamRequest];
    public bool Broadcast => true;

    public async ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken)
    {
        if (!ContractJson.TryDeserialize<DownstreamRequestMessage>(message.Value.Span, out var request, out var error) || request is null)
        {
            logger.LogWarning("Ignored a downstream-request that is not JSON of the contract: {Error}", error);
            return;
        }
        if (request.Type != KafkaTopics.CarrierSwitchPerformType)
        {
            logger.LogWarning("Ignored a downstream-request of type {Type}", request.Type);
            return;
        }
        if (request.CommandId is not { } id) return; // a seed request: SeedRequestHandler's
        // A request that arrives while the gateway is still loading its modems must not find "no such modem".
        await registry.Loaded.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!ModemId.TryParse(request.ModemId, out var modemId))
        {
            logger.LogWarning("Ignored a downstream-request for {Modem}: not a modem id", request.ModemId ?? "(none)");
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var record = await store.FindCommandAsync(id, cancellationToken).ConfigureAwait(false)
            ?? new CommandRecord(id, modemId, request.Metadata, CommandState.Queued, 0, now, now);
        tracker.Enqueue(record);
    }
}
