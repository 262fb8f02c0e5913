using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Commands;

/// <summary>
/// The store is the record of every accepted command; the bus only makes delivery quick. At
/// start and every <see cref="CommandOptions.ReloadInterval"/> the gateway adopts the commands
/// the store holds as queued or sent, so a 202 reaches a final state whatever restarted in between
/// (the API after its store write, a gateway that was down when the request was published, a
/// consumer group that started after it). Waiting commands the store no longer holds open were
/// finished by another gateway and are forgotten here.
/// </summary>
public sealed class OpenCommandReloader(
    CommandTracker tracker,
    ModemRegistry registry,
    ICommandStore store,
    TimeProvider time,
    IOptions<CommandOptions> options,
    ILogger<OpenCommandReloader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await registry.Loaded.WaitAsync(stoppingToken).ConfigureAwait(false);
        bool failing = false;
        try
        {
            do
            {
                try
                {
                    var readAt = DateTime.UtcNow;
                    var open = await store.ListOpenCommandsAsync(stoppingToken).ConfigureAwait(false);
                    tracker.Retain(open.Select(c => c.Id).ToHashSet(), readAt);
                    foreach (var command in open) tracker.Adopt(command);
                    if (failing) logger.LogInformation("Open commands are read from the store again");
                    failing = false;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Logged once per outage; the store's own faults are reported by readiness.
                    if (!failing) logger.LogWarning(ex, "Reading the open commands from the store failed; retrying every {Interval}", options.Value.ReloadInterval);
                    failing = true;
                }
                await Task.Delay(options.Value.ReloadInterval, time, stoppingToken).ConfigureAwait(false);
            }
            while (true);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
