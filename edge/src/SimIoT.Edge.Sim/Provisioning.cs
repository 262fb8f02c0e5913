using System.Net;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Sim;

/// <summary>What a card is personalised with (docs/applet.md, "Personalisation").</summary>
public sealed record Provisioning(
    ModemId ModemId,
    byte[] MasterKey,
    IPEndPoint CloudEndpoint,
    IReadOnlyList<Carrier> Subscriptions,
    Carrier InitialCarrier,
    bool Legacy = false,
    ushort? FallbackSeconds = null,
    byte[]? NewAdminKey = null,
    bool Lock = true);
