using SimIoT.Firmware.Timing;

namespace SimIoT.Firmware.Tests.Core;

public class SamplingScheduleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    public void Samples_stay_on_the_grid_without_drift(int rateHz)
    {
        var schedule = new SamplingSchedule(rateHz, 5000);
        var due = new List<long>();
        for (long t = 5000; t < 5000 + 60_000; t++)
        {
            if (schedule.TakeDue(t)) due.Add(t);
        }

        Assert.Equal(60 * rateHz, due.Count);
        Assert.Equal(5000 + (60L * rateHz - 1) * 1000 / rateHz, due[^1]);
        Assert.Equal(0, schedule.Missed);
    }

    [Fact]
    public void A_node_that_fell_behind_skips_the_missed_instants_and_counts_them()
    {
        var schedule = new SamplingSchedule(10, 0);
        Assert.True(schedule.TakeDue(0));
        Assert.True(schedule.TakeDue(1050)); // 100..900 passed unsampled, 1000 is taken late
        Assert.Equal(9, schedule.Missed);
        Assert.False(schedule.TakeDue(1099));
        Assert.True(schedule.TakeDue(1100));
    }
}
