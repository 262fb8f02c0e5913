using System.Net;
using Microsoft.Extensions.Logging;
using SimIoT.Edge.Card;
using SimIoT.Edge.Card.Pcsc;
using SimIoT.Edge.Card.Vpcd;
using SimIoT.Edge.Hosting;

namespace SimIoT.Edge.Uplink;

/// <summary>Creates the long-lived transport to the SIM named by <see cref="CardOptions.Transport"/>.</summary>
public static class CardTransports
{
    public static IApduTransport Create(CardOptions options, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Transport.ToLowerInvariant() switch
        {
            "pcsc" => new PcscTransport(options.Reader, logger: loggers.CreateLogger<PcscTransport>()),
            // The card host of the demo runs on the same machine; nothing else should plug a card in.
            "vpcd" => new VpcdServer(IPAddress.Loopback, options.VpcdPort, loggers.CreateLogger<VpcdServer>()),
            var other => throw new InvalidOperationException($"Edge:Card:Transport '{other}' is not one of pcsc, vpcd, none"),
        };
    }
}
