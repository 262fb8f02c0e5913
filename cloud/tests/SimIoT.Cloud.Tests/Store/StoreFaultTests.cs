using System.Net;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Store;

/// <summary>
/// The embedded profile acknowledges a frame only once its readings are in the SQLite file, and a
/// file that is no longer the one at the configured path is a loud fault, not a silent sink.
/// </summary>
public sealed class StoreFaultTests
{
    private static readonly DateTime T0 = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_database_file_moved_away_stops_acks_and_readiness_until_it_is_back_and_loses_nothing_acked()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x5707e);
        var db = Path.Combine(cloud.DataDir, "simiot.db");
        var away = db + ".away";

        uint first = modem.SendReading(3, T0, 2001);
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(first), "the first frame is acked once stored");
        long acksBefore = modem.AcksReceived;
        await Eventually.TrueAsync(() => cloud.Metrics.IsReady, "the periodic readiness check has passed once");

        File.Move(db, away);
        var body = await cloud.WaitReadyAsync(false);
        Assert.Contains("\"store\"", body, StringComparison.Ordinal);
        Assert.Contains("gone", body, StringComparison.Ordinal);

        var second = modem.Seal(FrameKind.UplinkData, V1Packet.IotData(3, T0.AddSeconds(1), TelemetryValues.Encode(2002)).ToArray());
        uint secondSeq = modem.LastSequence;
        long acceptedBefore = cloud.Metrics.DatagramCount(DatagramOutcome.Accepted);
        modem.SendRaw(second);
        // The sink tried to write the frame's reading and failed: that is when an ack could have gone out.
        await Eventually.TrueAsync(() => cloud.Errors.Errors.Any(e => e.Contains("Writing 1 telemetry points failed", StringComparison.Ordinal)), "the failed write is logged");
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) > acceptedBefore, "the second frame was taken");
        Assert.False(modem.LastAck.Acknowledges(secondSeq), "a frame whose reading is not stored must not be acked");
        Assert.Equal(acksBefore, modem.AcksReceived);

        // While the store fails, new frames are shed (counted) rather than queued.
        uint third = modem.SendReading(3, T0.AddSeconds(2), 2003);
        await Eventually.TrueAsync(() => cloud.Metrics.ShedCount(ShedReason.StoreFailing) >= 1, "the third frame is shed");
        await Eventually.TrueAsync(() => cloud.Errors.Errors.Any(e => e.Contains("Not ready: store", StringComparison.Ordinal)), "the lost readiness is logged");

        File.Move(away, db);
        await cloud.WaitReadyAsync(true);
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(secondSeq), "the second frame is acked once the retried write succeeds");
        Assert.False(modem.LastAck.Acknowledges(third), "the shed frame is not acked");
        modem.SendRaw(modem.Seal(FrameKind.UplinkData, V1Packet.IotData(3, T0.AddSeconds(2), TelemetryValues.Encode(2003)).ToArray())); // the edge resends it
        uint resent = modem.LastSequence;
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(resent), "the resent frame is acked");

        var stored = await cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/temp?from=2026-11-30T11:00:00Z&to=2026-11-30T13:00:00Z");
        Assert.Equal([2001, 2002, 2003], stored.EnumerateArray().Select(p => p.GetProperty("data").GetInt32()));
        await Eventually.TrueAsync(() => cloud.Errors.Warnings.Any(w => w.Contains("Ready again", StringComparison.Ordinal)), "the recovery is logged");
        // What the ingest bench reads from /metrics: three frames taken and stored, the third shed.
        Assert.Equal(new IngestCounts(Accepted: 3, Stored: 3, Shed: 1), await GatewayMetrics.IngestAsync(cloud.Http));
        cloud.Errors.Errors.Clear(); // the errors above were the point of this test
    }

    [Fact]
    public async Task A_start_without_init_refuses_to_create_an_empty_store_where_none_is()
    {
        var data = Directory.CreateTempSubdirectory("simiot-noinit").FullName;
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => CloudHarness.StartAsync(new() { ["Store:Init"] = "false" }, dataDir: data));
            Assert.Contains("--init", error.ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(data, "simiot.db")));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }
}
