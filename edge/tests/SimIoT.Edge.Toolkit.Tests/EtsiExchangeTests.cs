using System.Net;
using SimIoT.Edge.Toolkit.Commands;
using SimIoT.Edge.Toolkit.Responses;

namespace SimIoT.Edge.Toolkit.Tests;

/// <summary>
/// The worked UDP exchange of protocol-facts.md §1.7 and ETSI TS 102 384 conformance PDUs
/// (as carried in ofono's unit tests): parse what the card sends, build byte-exact replies.
/// </summary>
public class EtsiExchangeTests
{
    private static ProactiveCommand Parse(string hex)
    {
        Assert.True(ProactiveCommand.TryParse(Convert.FromHexString(hex.Replace(" ", "")), out var command, out var error), error);
        return command;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    [Fact]
    public void Open_channel_to_10_0_0_1_port_5000_and_its_terminal_responses()
    {
        var command = Parse("D0 1C 81 03 01 40 01 82 02 81 82 35 01 03 39 02 05 DC 3C 03 01 13 88 3E 05 21 0A 00 00 01");
        Assert.Equal(ToolkitCommandType.OpenChannel, command.Type);
        Assert.Equal(DeviceIdentity.Uicc, command.Source);
        Assert.Equal(DeviceIdentity.Terminal, command.Destination);
        Assert.True(OpenChannelParameters.TryRead(command, out var p, out var error), error);
        Assert.True(p.Immediate);
        Assert.Equal(0x03, p.BearerType);
        Assert.Equal(1500, p.BufferSize);
        Assert.Equal(TransportProtocol.UdpClientRemote, p.Protocol);
        Assert.Equal(5000, p.Port);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), p.Address);

        var success = TerminalResponse.Start(command, GeneralResult.Success)
            .Add(ToolkitTag.ChannelStatus, ChannelStatus.Encode(1, linkEstablished: true))
            .Add(ToolkitTag.BearerDescription, 0x03)
            .Add(ToolkitTag.BufferSize, 0x05, 0xDC)
            .ToArray();
        Assert.Equal("801400001781030140018202828183010038028100350103390205DC", Hex(ToolkitApdu.TerminalResponse(success)));
        Assert.Equal("81030140018202828183023A01", Hex(TerminalResponse.BipError(command, BipErrorCause.NoChannelAvailable)));
    }

    [Fact]
    public void Send_data_hello_and_its_terminal_response()
    {
        var command = Parse("D0 10 81 03 02 43 01 82 02 81 21 B6 05 48 65 6C 6C 6F");
        Assert.Equal(ToolkitCommandType.SendData, command.Type);
        Assert.Equal(DeviceIdentity.Channel(1), command.Destination);
        Assert.Equal("Hello"u8.ToArray(), command.Find(ToolkitTag.ChannelData)!.Value.ToArray());
        var response = TerminalResponse.Start(command, GeneralResult.Success)
            .Add(ToolkitTag.ChannelDataLength | ToolkitTag.ComprehensionRequired, 0xFF).ToArray();
        Assert.Equal("801400000F81030243018202828183010 0B701FF".Replace(" ", ""), Hex(ToolkitApdu.TerminalResponse(response)));
    }

    [Fact]
    public void Data_available_envelope_receive_data_and_its_response()
    {
        Assert.Equal("80C2000010D60E990109820282 81B8028100B70105".Replace(" ", ""), Hex(ToolkitApdu.Envelope(Envelopes.DataAvailable(1, 5))));

        var command = Parse("D0 0C 81 03 03 42 00 82 02 81 21 B7 01 05");
        Assert.Equal(ToolkitCommandType.ReceiveData, command.Type);
        Assert.Equal(5, command.Find(ToolkitTag.ChannelDataLength)!.Value.Span[0]);
        var response = TerminalResponse.Start(command, GeneralResult.Success)
            .Add(ToolkitTag.ChannelData | ToolkitTag.ComprehensionRequired, "World"u8)
            .Add(ToolkitTag.ChannelDataLength | ToolkitTag.ComprehensionRequired, 0x00).ToArray();
        Assert.Equal("801400001681030342008202828183010 0B605576F726C64B70100".Replace(" ", ""), Hex(ToolkitApdu.TerminalResponse(response)));
    }

    [Fact]
    public void Close_channel_and_link_dropped_event()
    {
        var command = Parse("D0 09 81 03 04 41 00 82 02 81 21");
        Assert.Equal(ToolkitCommandType.CloseChannel, command.Type);
        Assert.Equal("801400000C810304410082028281830100", Hex(ToolkitApdu.TerminalResponse(TerminalResponse.Simple(command, GeneralResult.Success))));
        Assert.Equal("80C200000DD60B99010A82028281B8020105",
            Hex(ToolkitApdu.Envelope(Envelopes.ChannelStatusChanged(1, linkEstablished: false, ChannelStatus.LinkDropped))));
    }

    [Fact]
    public void Etsi_conformance_open_channel_with_gprs_bearer_and_login()
    {
        var command = Parse("D0 36 81 03 01 40 01 82 02 81 82 35 07 02 03 04 03 04 1F 02 39 02 05 78 0D 08 F4 55 73 65 72 4C 6F 67 0D 08 F4 55 73 65 72 50 77 64 3C 03 01 AD 9C 3E 05 21 01 01 01 01");
        Assert.True(OpenChannelParameters.TryRead(command, out var p, out var error), error);
        Assert.Equal(0x02, p.BearerType);
        Assert.Equal("0304030 41F02".Replace(" ", ""), Convert.ToHexString(p.BearerParameters.Span));
        Assert.Equal(1400, p.BufferSize);
        Assert.Equal(44444, p.Port);
        Assert.Equal(IPAddress.Parse("1.1.1.1"), p.Address);
    }

    [Theory]
    [InlineData("D0 09 81 03 01 01 04 82 02 81 82", ToolkitCommandType.Refresh, 0x04)]
    [InlineData("D0 10 81 03 01 01 01 82 02 81 82 92 05 01 3F 00 2F E2", ToolkitCommandType.Refresh, 0x01)]
    [InlineData("D0 13 81 03 01 43 01 82 02 81 21 B6 08 00 01 02 03 04 05 06 07", ToolkitCommandType.SendData, 0x01)]
    [InlineData("D0 0C 81 03 01 42 00 82 02 81 21 B7 01 C8", ToolkitCommandType.ReceiveData, 0x00)]
    public void Parses_the_conformance_pdus(string hex, ToolkitCommandType type, byte qualifier)
    {
        var command = Parse(hex);
        Assert.Equal(type, command.Type);
        Assert.Equal(qualifier, command.Qualifier);
    }

    [Fact]
    public void Timer_values_are_semi_octets_and_expiry_envelope_carries_them()
    {
        Assert.Equal("000300", Convert.ToHexString(TimerValue.Encode(TimeSpan.FromSeconds(30 * 60))));
        Assert.Equal("000003", Convert.ToHexString(TimerValue.Encode(TimeSpan.FromSeconds(30))));
        Assert.True(TimerValue.TryRead(Convert.FromHexString("102143"), out var value));
        Assert.Equal(new TimeSpan(1, 12, 34), value);
        Assert.False(TimerValue.TryRead(Convert.FromHexString("0000A0"), out _));
        Assert.Equal("D70C820282 81A40101A5030000 03".Replace(" ", ""), Hex(Envelopes.TimerExpired(1, TimeSpan.FromSeconds(30))));
    }
}
