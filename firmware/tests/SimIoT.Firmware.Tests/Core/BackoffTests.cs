using SimIoT.Firmware.Network;

namespace SimIoT.Firmware.Tests.Core;

public class BackoffTests
{
    [Fact]
    public void Delays_double_up_to_the_cap_each_within_half_to_full_of_its_step()
    {
        var backoff = new Backoff(1000, 60000, new Random(1));
        int[] steps = [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000];
        foreach (int step in steps)
        {
            int delay = backoff.NextDelayMilliseconds();
            Assert.InRange(delay, step / 2, step);
        }

        backoff.Reset();
        Assert.InRange(backoff.NextDelayMilliseconds(), 500, 1000);
    }

    [Fact]
    public void Nodes_that_failed_together_do_not_retry_in_step()
    {
        var delays = Enumerable.Range(0, 20).Select(seed => new Backoff(1000, 60000, new Random(seed))).Select(b => { b.NextDelayMilliseconds(); return b.NextDelayMilliseconds(); }).ToList();
        Assert.True(delays.Distinct().Count() > 10, string.Join(",", delays));
    }
}
