using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Tests.Card;

namespace SimIoT.Edge.Tests.Host;

public sealed class CardTransportsTests
{
    [Fact]
    public void Vpcd_transport_from_configuration_talks_to_a_virtual_card()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var channel = CardTransports.OpenChannel(new CardOptions { Transport = "vpcd", VpcdPort = port }, NullLoggerFactory.Instance);
        using var card = VirtualCard.Insert(port, ScriptedCard.Answer);
        Assert.Equal([.. ScriptedCard.SixteenBytes, 0x90, 0x00], channel.Transmit(Convert.FromHexString("00A4040005A000000001")));
    }

    [Fact]
    public void An_unknown_transport_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => CardTransports.OpenChannel(new CardOptions { Transport = "nfc" }, NullLoggerFactory.Instance));
}
