using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Modems;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Gateway;

/// <summary>Every gateway reloads a modem the API registered or deleted.</summary>
public sealed class ModemChangesHandler(ModemRegistry registry) : IBusHandler
{
    public string Name => "gateway-modems";
    public IReadOnlyList<string> Topics { get; } = [CloudTopics.ModemChanges];
    public bool Broadcast => true;

    public async ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken)
    {
        var change = CloudJson.Deserialize<ModemChange>(message.Value.Span);
        if (change is null || !ModemId.TryParse(change.ModemId, out var id)) return;
        await registry.Loaded.WaitAsync(cancellationToken).ConfigureAwait(false);
        await registry.ReloadAsync(id, cancellationToken, replace: change.Change == ModemChange.Rekeyed).ConfigureAwait(false);
    }
}
