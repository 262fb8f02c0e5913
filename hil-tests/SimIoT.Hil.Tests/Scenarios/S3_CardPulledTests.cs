using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Uplink;
using SimIoT.Hil.Tests.Rig;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Hil.Tests.Scenarios;

/// <summary>Scenario 3: the card is pulled mid-stream (its host killed) and reinserted; the agent recovers by itself, and the cloud store holds every reading exactly once.</summary>
public class S3_CardPulledTests
{
    [VirtualCardFact]
    public async Task Scenario3_card_pulled_and_reinserted_mid_stream_loses_and_duplicates_nothing_in_the_store()
    {
        var figures = new Figures("S3 card pulled mid-stream");
        await using var rig = await HilRig.StartAsync(new RigOptions { ImuHz = 20, EnvironmentHz = 5 });
        await rig.WaitForSamplesAsync("bme280", 5);
        int storedBefore = (await rig.StoredAsync("temp")).Count;
        Assert.True(storedBefore > 0 || (await rig.AllStoredAsync(DeviceCatalog.Temperature, "temp")).Count > 0);

        var outage = Stopwatch.StartNew();
        await rig.PullCardAsync();
        await rig.WaitForSamplesAsync("bme280", 10); // sampling goes on while the card is out (about 2 s at 5 Hz)
        long sampledAtReinsert = rig.SamplesTaken("bme280");
        var pulledFor = outage.Elapsed;
        var recovery = Stopwatch.StartNew();
        rig.StartCard();

        // Recovery: everything sampled while the card was out reaches the store.
        var pulledFrom = DateTime.UtcNow - pulledFor;
        var uplink = rig.Agent.Services.GetRequiredService<CardUplink>();
        await Eventually.TrueAsync(() => uplink.SessionsStarted >= 2, "a new card session started", HilRig.Wait);
        await Eventually.ValueAsync(() => rig.StoredAsync("temp"), s => s.Count >= sampledAtReinsert, $"the {sampledAtReinsert} temperatures sampled so far are stored", HilRig.Wait);
        figures.Add("recovery after reinsertion (backlog stored)", recovery.Elapsed.TotalMilliseconds, "ms");

        await rig.StopSensorsAsync();
        int total = 0;
        foreach (var (device, sensor) in new[] { (DeviceCatalog.Imu, "imu"), (DeviceCatalog.Gyro, "gyro"), (DeviceCatalog.Temperature, "temp") })
            total += await rig.AssertStoredExactlyOnceAsync(device, sensor); // each sampled reading once, with its values; nothing else
        var temps = await rig.StoredAsync("temp");
        Assert.Contains(temps, t => SimIoT.Protocol.Kafka.IsoTimestamp.TryParse(t.Timestamp, out var at) && at > pulledFrom.AddMilliseconds(200) && at < pulledFrom + pulledFor - TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, rig.Agent.Services.GetRequiredService<ReadingChannel>().Dropped);

        figures.Add("card out for", pulledFor.TotalMilliseconds, "ms");
        figures.Add("readings stored (exactly once)", total);
        figures.Add("card sessions", rig.Agent.Services.GetRequiredService<CardUplink>().SessionsStarted);
        figures.Save();
    }
}
