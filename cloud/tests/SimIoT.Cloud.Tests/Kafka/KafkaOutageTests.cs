using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Kafka;

/// <summary>
/// The cloud on a Kafka cluster in another process that stops answering and comes back: a frame
/// is acked only once Kafka has it (acks=all), readiness says so, and nothing acked is lost.
/// </summary>
public sealed class KafkaOutageTests
{
    private static readonly DateTime T0 = new(2026, 11, 30, 14, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_cluster_that_stops_answering_withholds_acks_and_readiness_until_it_is_back_and_loses_nothing_acked()
    {
        using var cluster = await MockClusterProcess.StartAsync();
        // Topic creation is refused by the mock's missing admin API: a warning, and the cloud goes on.
        await using var cloud = await CloudHarness.StartAsync(new()
        {
            ["Bus:Kafka"] = cluster.BootstrapServers,
            ["Bus:GroupPrefix"] = $"outage-{Guid.NewGuid():N}",
        });
        var modem = await cloud.AddModemAsync(0x0a7a9e);
        uint first = modem.SendReading(3, T0, 1001);
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(first), "the first frame is acked once Kafka has it");
        await Eventually.TrueAsync(() => cloud.Metrics.IsReady, "the periodic readiness check has passed once");

        cluster.Freeze();
        long acceptedBefore = cloud.Metrics.DatagramCount(DatagramOutcome.Accepted);
        uint second = modem.SendReading(3, T0.AddSeconds(1), 1002);
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) > acceptedBefore, "the second frame is taken and published");
        var body = await cloud.WaitReadyAsync(false);
        Assert.Contains("\"kafka\"", body, StringComparison.Ordinal);
        // Readiness failed after the publish: the cluster did not answer it, so it cannot have been acked.
        Assert.False(modem.LastAck.Acknowledges(second), "a frame Kafka has not acknowledged must not be acked");
        Assert.True(cloud.Metrics.AcksWithheldCount >= 1);
        await Eventually.TrueAsync(() => cloud.Errors.Errors.Any(e => e.Contains("Not ready: kafka", StringComparison.Ordinal)), "the lost readiness is logged");

        cluster.Thaw();
        await cloud.WaitReadyAsync(true, TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(second), "the second frame is acked once delivered", TimeSpan.FromSeconds(60));
        var stored = await Eventually.ValueAsync(
            () => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/temp?from=2026-11-30T13:00:00Z&to=2026-11-30T15:00:00Z"),
            j => j.GetArrayLength() == 2, "both readings are stored", TimeSpan.FromSeconds(60));
        Assert.Equal([1001, 1002], stored.EnumerateArray().Select(p => p.GetProperty("data").GetInt32()));
        Assert.Contains(cloud.Errors.Warnings, w => w.Contains("Creating the topics failed", StringComparison.Ordinal));
        cloud.Errors.Errors.Clear(); // the outage's errors were the point of this test
    }
}
