namespace SimIoT.Edge.Toolkit.Commands;

/// <summary>Transport protocol type of the UICC/terminal interface transport level object (§8.59).</summary>
public enum TransportProtocol : byte
{
    UdpClientRemote = 0x01,
    TcpClientRemote = 0x02,
    TcpServer = 0x03,
    UdpClientLocal = 0x04,
    TcpClientLocal = 0x05,
    DirectChannel = 0x06,
}
