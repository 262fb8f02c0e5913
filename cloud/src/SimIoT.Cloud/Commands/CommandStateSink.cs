using Microsoft.Extensions.Logging;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Commands;

/// <summary>Records the gateway's command-state changes in the store, where the API reads them.</summary>
public sealed class CommandStateSink(ICommandStore store, ILogger<CommandStateSink> logger) : IBusHandler
{
    public string Name => "store-commands";
    public IReadOnlyList<string> Topics { get; } = [CloudTopics.CommandState];
    public bool Broadcast => false;

    public async ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken)
    {
        var change = CloudJson.Deserialize<CommandStateChange>(message.Value.Span);
        if (change is null)
        {
            logger.LogWarning("Ignored a command-state record that is not JSON of the contract");
            return;
        }
        await store.ApplyAsync(change, cancellationToken).ConfigureAwait(false);
    }
}
