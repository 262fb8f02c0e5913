using SimIoT.Firmware.Readings;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Tests.Core;

public class ReadingRingTests
{
    [Fact]
    public void A_full_ring_drops_the_oldest_and_counts_it()
    {
        var ring = new ReadingRing(3);
        for (int i = 0; i < 5; i++) ring.Add(SensorKind.Temp, i, [100 + i]);
        Assert.Equal((3, 2L), (ring.Count, ring.Dropped));
        var kept = new List<int>();
        while (ring.PeekOldest() is { } r)
        {
            kept.Add(r.Values[0]);
            ring.RemoveOldest();
        }

        Assert.Equal([102, 103, 104], kept);
    }

    [Fact]
    public void A_reading_stays_until_removed_and_keeps_its_sequence()
    {
        var ring = new ReadingRing(2);
        ring.Add(SensorKind.Imu, 5, [1, 2, 3]);
        ring.Add(SensorKind.Gyro, 6, [4, 5, 6]);
        Assert.Same(ring.PeekOldest(), ring.PeekOldest());
        Assert.Equal((SensorKind.Imu, 5L, 0L), (ring.PeekOldest()!.Kind, ring.PeekOldest()!.UnixMicroseconds, ring.PeekOldest()!.Sequence));
        ring.RemoveOldest();
        Assert.Equal((SensorKind.Gyro, 1L, 1), (ring.PeekOldest()!.Kind, ring.PeekOldest()!.Sequence, ring.Count));
        ring.RemoveOldest();
        Assert.Null(ring.PeekOldest());
    }
}
