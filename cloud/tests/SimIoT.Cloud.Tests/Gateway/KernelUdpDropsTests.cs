using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Gateway;

public sealed class KernelUdpDropsTests
{
    private const string Table = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
         1221: 0100007F:1771 0100007F:82D6 01 00000000:00000000 00:00000000 00000000     0        0 669270 2 0000000050a9f84b 17
         1222: 00000000:1771 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 669271 2 0000000050a9f84c 5
         6130: 0100007F:82D6 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 669151 2 000000007a22f20b 9
        """;

    [Fact]
    public void The_drops_of_every_socket_on_the_gateway_port_are_summed_and_no_other()
    {
        Assert.Equal(22, KernelUdpDrops.Parse(Table, 6001));
        Assert.Equal(9, KernelUdpDrops.Parse(Table, 0x82D6));
        Assert.Equal(0, KernelUdpDrops.Parse(Table, 1234));
    }

    [Fact]
    public async Task Metrics_report_the_kernel_drops_of_the_gateway_socket()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var text = await cloud.Http.GetStringAsync("/metrics");
        Assert.Matches(@"(?m)^simiot_gateway_kernel_drops_total(\{\})? \d+$", text); // OpenTelemetry's exporter writes an empty label set
    }
}
