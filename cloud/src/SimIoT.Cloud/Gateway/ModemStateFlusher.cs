using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Writes what the gateway learnt about its modems (last seen, binding, carrier, replay window)
/// to the store once per interval, never from the receive loop. Self-registered legacy modems are
/// added first. The last flush runs at shutdown.
/// </summary>
public sealed class ModemStateFlusher(
    ModemRegistry registry,
    IModemStore store,
    IEventBus bus,
    IOptions<GatewayOptions> options,
    ILogger<ModemStateFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) await FlushAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            var updates = new List<ModemRuntime>();
            foreach (var session in registry.Sessions)
            {
                if (!session.Stored)
                {
                    var record = new ModemRecord(session.Id, $"legacy {session.EndpointText}", ModemProtocol.V1, null, DateTime.UtcNow, Endpoint: session.EndpointText,
                        Organization: options.Value.LegacyOrganization);
                    await store.AddModemAsync(record, cancellationToken).ConfigureAwait(false);
                    session.Stored = true;
                    bus.Publish(CloudTopics.ModemChanges, session.IdText, CloudJson.Serialize(new ModemChange(session.IdText, ModemChange.Registered)));
                }
                lock (session.Gate)
                {
                    if (!session.Dirty || session.Disposed) continue;
                    session.Dirty = false;
                    updates.Add(new ModemRuntime(session.Id, session.LastSeen, session.EndpointText, session.Carrier, session.Window.Highest, session.Window.Bitmap));
                }
            }
            if (updates.Count > 0) await store.UpdateRuntimeAsync(updates, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Flushing modem state failed");
        }
    }
}
