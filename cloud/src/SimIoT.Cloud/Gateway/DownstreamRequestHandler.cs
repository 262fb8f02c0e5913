using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Consumes downstream-request. The API's requests name the modem and the command id; a seed
/// producer's name neither, so the gateway picks the configured default modem or the only one,
/// and creates the command itself.
/// </summary>
public sealed class DownstreamRequestHandler(
    CommandTracker tracker,
    ModemRegistry registry,
    ICommandStore store,
    TimeProvider time,
    IOptions<GatewayOptions> options,
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
        // A request that arrives while the gateway is still loading its modems must not find "no such modem".
        await registry.Loaded.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!TryPickModem(request.ModemId, out var modemId))
        {
            logger.LogWarning("Ignored a downstream-request for {Modem}: no such modem, or no single or default modem to give it to", request.ModemId ?? "(none)");
            return;
        }
        CommandRecord? record = null;
        if (request.CommandId is { } id) record = await store.FindCommandAsync(id, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow().UtcDateTime;
        record ??= request.CommandId is { } given
            ? new CommandRecord(given, modemId, request.Metadata, CommandState.Queued, 0, now, now)
            : await store.CreateCommandAsync(modemId, request.Metadata, now, cancellationToken).ConfigureAwait(false);
        tracker.Enqueue(record);
    }

    private bool TryPickModem(string? named, out ModemId id)
    {
        if (named is not null) return ModemId.TryParse(named, out id);
        if (options.Value.DefaultModem is { } fallback) return ModemId.TryParse(fallback, out id);
        var all = registry.Sessions.Take(2).ToList();
        id = all.Count == 1 ? all[0].Id : default;
        return all.Count == 1;
    }
}
