using System.Net;
using System.Text.Json;
using SimIoT.Cloud.Bus;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Several gateways behind one address (SO_REUSEPORT, or a load balancer hashing on the source):
/// the one that took a modem's latest fresh frame holds its binding and alone sends it commands.
/// A gateway that takes the binding says so on modem-bindings; every other one hands the modem
/// over (no commands from there, the binding's address kept so a frame from elsewhere is only a
/// candidate). docs/decisions.md, "Several gateways share the modems".
/// </summary>
public sealed class ModemBindings(ModemRegistry registry, IEventBus bus, GatewaySocket socket) : IBusHandler, IBindingNews
{
    public const string Topic = "modem-bindings";

    /// <summary>This process among the gateways: its own records are not news to it.</summary>
    private readonly string _instance = Guid.NewGuid().ToString("N");

    public string Name => "gateway-bindings";
    public IReadOnlyList<string> Topics { get; } = [Topic];
    public bool Broadcast => true;

    /// <summary>
    /// Best effort: an announcement lost to a full producer queue or an outage only leaves the other
    /// gateways' duplicate-send window open until the modem's next move (docs/decisions.md).
    /// </summary>
    public void Announce(ModemSession session, uint sequence, string endpoint) =>
        bus.Publish(Topic, session.IdText, JsonSerializer.SerializeToUtf8Bytes(new ModemBinding(session.IdText, _instance, endpoint, sequence), CloudJson.Options), BestEffort.Instance);

    private sealed class BestEffort : IDeliveryReceipt
    {
        public static readonly BestEffort Instance = new();

        public void Durable()
        {
        }

        public void Failed(Metrics.ShedReason reason)
        {
        }
    }

    public async ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken)
    {
        var binding = CloudJson.Deserialize<ModemBinding>(message.Value.Span);
        if (binding is null || binding.Gateway == _instance || !ModemId.TryParse(binding.ModemId, out var id) || !IPEndPoint.TryParse(binding.Endpoint, out var endpoint)) return;
        await registry.Loaded.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!registry.TryGet(id, out var session)) return;
        var address = socket.AddressOf(endpoint);
        lock (session.Gate) session.HandOver(address, binding.Sequence);
    }
}
