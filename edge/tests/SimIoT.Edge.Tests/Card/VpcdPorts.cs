using System.Net;
using System.Net.Sockets;

namespace SimIoT.Edge.Tests.Card;

/// <summary>Ports for a private pcscd's vpcd driver (also linked into the HIL rig).</summary>
public static class VpcdPorts
{
    /// <summary>A free TCP port whose neighbour is free too: vpcd listens on the configured port and the next one (two slots).</summary>
    public static int FreePair()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            using var probe = new TcpListener(IPAddress.Any, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            if (port >= 65535) continue;
            try
            {
                using var next = new TcpListener(IPAddress.Any, port + 1);
                next.Start();
                return port;
            }
            catch (SocketException)
            {
                // The neighbour is taken; try another.
            }
        }

        throw new InvalidOperationException("no two adjacent free TCP ports for vpcd");
    }
}
