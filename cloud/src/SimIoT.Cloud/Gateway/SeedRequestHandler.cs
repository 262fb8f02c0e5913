using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Turns a seed producer's downstream-request (no modem, no command id) into a command: picks
/// the configured default modem or the only one, creates the command in the store and publishes
/// the request again with both named, as the API does. One gateway of all takes each record
/// (a shared group with committed offsets), so a request made while a gateway restarts is taken
/// when it is back, and two gateways never make two commands of it.
/// </summary>
public sealed class SeedRequestHandler(
    ModemRegistry registry,
    ICommandStore store,
    IEventBus bus,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<SeedRequestHandler> logger) : IBusHandler
{
    public string Name => "gateway-seed-commands";
    public IReadOnlyList<string> Topics { get; } = [CloudTopics.DownstreamRequest];
    public bool Broadcast => false;

    /// <summary>A new group starts at the end: requests from before the first gateway ever ran are not replayed.</summary>
    public bool StartAtEnd => true;

    public async ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken)
    {
        if (!ContractJson.TryDeserialize<DownstreamRequestMessage>(message.Value.Span, out var request, out _) || request is null
            || request.CommandId is not null || request.Type != KafkaTopics.CarrierSwitchPerformType)
            return; // DownstreamRequestHandler takes (and reports) the others.
        // A request that arrives while the gateway is still loading its modems must not find "no such modem".
        await registry.Loaded.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!TryPickModem(request.ModemId, out var modemId))
        {
            logger.LogWarning("Ignored a downstream-request for {Modem}: no such modem, or no single or default modem to give it to", request.ModemId ?? "(none)");
            return;
        }
        var record = await store.CreateCommandAsync(modemId, request.Metadata, time.GetUtcNow().UtcDateTime, cancellationToken).ConfigureAwait(false);
        bus.Publish(CloudTopics.DownstreamRequest, modemId.ToString(),
            ContractJson.Serialize(new DownstreamRequestMessage(request.Type, request.Metadata, modemId.ToString(), record.Id)));
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
