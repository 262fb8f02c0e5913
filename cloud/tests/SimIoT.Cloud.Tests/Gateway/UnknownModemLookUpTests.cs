using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Gateway;

/// <summary>
/// A gateway that joined the bus after a registration was published never gets that
/// modem-changes record; it must still accept the modem, because the store knows it.
/// </summary>
public sealed class UnknownModemLookUpTests
{
    [Fact]
    public async Task A_modem_the_gateway_was_never_told_about_is_found_in_the_store_on_its_first_frame()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var id = new ModemId(0x5eed);
        var key = new byte[16];
        Random.Shared.NextBytes(key);
        // Straight into the store: no modem-changes record reaches the gateway.
        var store = cloud.App.Services.GetRequiredService<IModemStore>();
        Assert.True(await store.AddModemAsync(new ModemRecord(id, "missed", ModemProtocol.V2, key, DateTime.UtcNow), CancellationToken.None));
        var registry = cloud.App.Services.GetRequiredService<ModemRegistry>();
        Assert.False(registry.TryGet(id, out _));

        using var modem = new SimulatedModem(id, key, cloud.Udp);
        modem.SendReading(3, DateTime.UtcNow, 2100); // dropped as unknown, and the look-up starts
        await Eventually.TrueAsync(() => registry.TryGet(id, out _), "gateway found the modem in the store");
        modem.SendReading(3, DateTime.UtcNow, 2101);
        await Eventually.TrueAsync(() => modem.AcksReceived > 0, "the next frame is accepted and acknowledged");
        Assert.Equal(1, cloud.Metrics.DatagramCount(SimIoT.Cloud.Metrics.DatagramOutcome.UnknownModem));
    }
}
