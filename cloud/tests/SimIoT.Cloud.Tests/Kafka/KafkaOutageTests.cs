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

    [Fact]
    public async Task A_full_producer_queue_fails_the_frame_at_once_without_blocking_and_its_resend_is_taken()
    {
        using var cluster = await MockClusterProcess.StartAsync();
        await using var cloud = await CloudHarness.StartAsync(new()
        {
            ["Bus:Kafka"] = cluster.BootstrapServers,
            ["Bus:GroupPrefix"] = $"queue-{Guid.NewGuid():N}",
            ["Bus:ProducerQueueMessages"] = "1",
            ["Bus:CreateTopics"] = "false",
        });
        // The registration's audit record can hold the one-record queue (linger) when its modem-changes
        // record comes, which is then dropped (logged): the gateway finds the modem in the store when
        // its first frame comes, and a frame shed meanwhile is resent until acked, as the edge does.
        var modem = await cloud.AddModemAsync(0x0a7a9f, waitForGateway: false);
        var firstFrame = modem.Seal(FrameKind.UplinkData, SimIoT.Protocol.V1.V1Packet.IotData(3, T0, SimIoT.Protocol.Telemetry.TelemetryValues.Encode(3001)).ToArray());
        uint first = modem.LastSequence;
        await Eventually.TrueAsync(() =>
        {
            if (modem.LastAck.Acknowledges(first)) return true;
            modem.SendRaw(firstFrame);
            return false;
        }, "the first frame is acked once Kafka has it", TimeSpan.FromSeconds(60));
        long shedBefore = cloud.Metrics.ShedCount(ShedReason.BusQueueFull);

        cluster.Freeze();
        uint second = modem.SendReading(3, T0.AddSeconds(1), 3002); // fills the one-record queue: Kafka does not answer
        await Eventually.TrueAsync(() => cloud.Metrics.AcksWithheldCount == 1, "the second frame waits for Kafka", TimeSpan.FromSeconds(30));
        var third = modem.Seal(FrameKind.UplinkData, SimIoT.Protocol.V1.V1Packet.IotData(3, T0.AddSeconds(2), SimIoT.Protocol.Telemetry.TelemetryValues.Encode(3003)).ToArray());
        uint thirdSeq = modem.LastSequence;
        modem.SendRaw(third);
        // The queue is full: the third frame fails at once (the receive loop is not held), and is not acked.
        await Eventually.TrueAsync(() => cloud.Metrics.ShedCount(ShedReason.BusQueueFull) == shedBefore + 1, "the third frame fails on the full queue", TimeSpan.FromSeconds(30));

        cluster.Thaw();
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(second), "the second frame is acked once delivered", TimeSpan.FromSeconds(60));
        Assert.False(modem.LastAck.Acknowledges(thirdSeq), "the frame that met a full queue is not acked");
        modem.SendRaw(third); // the edge resends it: taken again, as the failure reset the window
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(thirdSeq), "the resent frame is acked", TimeSpan.FromSeconds(60));
        var stored = await Eventually.ValueAsync(
            () => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/temp?from=2026-11-30T13:00:00Z&to=2026-11-30T15:00:00Z"),
            j => j.GetArrayLength() == 3, "all three readings are stored", TimeSpan.FromSeconds(60));
        Assert.Equal([3001, 3002, 3003], stored.EnumerateArray().Select(p => p.GetProperty("data").GetInt32()));
        // Readiness went away while the cluster was frozen, and the registration's modem-changes record
        // met the one-record queue (nobody resends it; the gateway reads the modem from the store): expected here.
        cloud.Errors.Errors.Clear();
    }
}
