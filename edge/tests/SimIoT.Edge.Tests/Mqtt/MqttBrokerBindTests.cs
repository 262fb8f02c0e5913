using System.Net;
using System.Net.Sockets;
using SimIoT.Edge.Mqtt;
using SimIoT.Edge.Readings;

namespace SimIoT.Edge.Tests.Mqtt;

/// <summary>The broker's safe defaults: loopback unless configured, and no open LAN broker without credentials.</summary>
public sealed class MqttBrokerBindTests
{
    [Fact]
    public async Task By_default_the_broker_listens_on_loopback_only()
    {
        var readings = new ReadingChannel();
        await using var broker = new MqttReadingBroker(new MqttBrokerOptions { Port = 0 }, readings.Writer);
        await broker.StartAsync();

        using var loopback = new TcpClient();
        await loopback.ConnectAsync(IPAddress.Loopback, broker.Port);
        Assert.True(loopback.Connected);
        // The same port on this machine's non-loopback address is not served by the broker.
        var lan = LanAddress();
        Assert.True(lan is not null, "this test needs a non-loopback IPv4 address on this machine");
        using var other = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => other.ConnectAsync(lan!, broker.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Theory]
    [InlineData("0.0.0.0", null, null)]
    [InlineData("0.0.0.0", "node", null)]
    [InlineData("::", "", "s3cret")]
    public async Task A_bind_reachable_from_other_hosts_without_credentials_is_refused(string address, string? user, string? password)
    {
        var readings = new ReadingChannel();
        await using var broker = new MqttReadingBroker(new MqttBrokerOptions { Port = 0, BindAddress = address, Username = user, Password = password }, readings.Writer);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(broker.StartAsync);
        Assert.Contains("Edge:Mqtt:Username and Edge:Mqtt:Password", error.Message);
    }

    [Fact]
    public async Task A_bind_reachable_from_other_hosts_with_credentials_starts()
    {
        var readings = new ReadingChannel();
        await using var broker = new MqttReadingBroker(new MqttBrokerOptions { Port = 0, BindAddress = "0.0.0.0", Username = "node", Password = "s3cret" }, readings.Writer);
        await broker.StartAsync();

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, broker.Port);
        Assert.True(client.Connected);
    }

    [Fact]
    public void A_bind_address_that_is_not_an_address_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new MqttBrokerOptions { BindAddress = "lan" }.ResolveBindAddress());
        Assert.Contains("'lan' is not an IP address", error.Message);
    }

    private static IPAddress? LanAddress() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
