using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Gateway;

/// <summary>Binding news is for the other gateways on a shared bus (Kafka/GatewayClusterTests); the in-process bus has none.</summary>
public sealed class ModemBindingsTests
{
    [Fact]
    public async Task A_lone_gateway_publishes_readings_and_no_binding_news_when_it_takes_a_modem_or_sees_a_gap()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xb1d);
        long before = cloud.Metrics.BusPublishedCount;

        uint first = modem.SendReading(3, DateTime.UtcNow, 2100); // the first fresh frame takes the binding
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(first), "the first frame is acked");
        modem.Seal(FrameKind.UplinkData, []); // a frame lost on the way: the next one is a take after a gap
        uint third = modem.SendReading(3, DateTime.UtcNow, 2101);
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(third), "the frame after the gap is acked");

        Assert.Equal(2, cloud.Metrics.BusPublishedCount - before);
    }
}
