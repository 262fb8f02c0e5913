using System.Net;
using Microsoft.Extensions.Logging;
using SimIoT.Edge.Card;
using SimIoT.Edge.Card.Pcsc;
using SimIoT.Edge.Card.Vpcd;

namespace SimIoT.Edge.Hosting;

/// <summary>The card channel the configuration asks for (Edge:Card), for the card terminal to use.</summary>
public static class CardTransports
{
    public static ICardChannel OpenChannel(CardOptions options, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        IApduTransport transport = options.Transport.ToLowerInvariant() switch
        {
            "pcsc" => new PcscTransport(options.Reader, CardProtocol.Any, loggers.CreateLogger<PcscTransport>()),
            // The JVM card host runs on the same machine in the demo: listen on loopback only.
            "vpcd" => new VpcdServer(IPAddress.Loopback, options.VpcdPort, loggers.CreateLogger<VpcdServer>()),
            _ => throw new InvalidOperationException($"Edge:Card:Transport '{options.Transport}': use pcsc or vpcd"),
        };
        return new CardChannel(transport);
    }
}
