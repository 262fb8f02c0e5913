using SimIoT.LoadGen;

namespace SimIoT.Cloud.Tests.LoadGen;

public class CounterTallyTests
{
    [Fact]
    public void A_counter_that_starts_again_after_a_restart_adds_what_it_shows_since()
    {
        var tally = new CounterTally();
        tally.Observe(5_000);
        tally.Observe(5_700);
        tally.Observe(6_000);
        // The cloud restarted: its counter began again from zero.
        tally.Observe(400);
        tally.Observe(1_000);
        Assert.Equal(700 + 300 + 400 + 600, tally.Total);
    }

    [Fact]
    public void The_first_reading_is_the_baseline()
    {
        var tally = new CounterTally();
        tally.Observe(23_756);
        Assert.Equal(0, tally.Total);
        tally.Observe(23_756);
        Assert.Equal(0, tally.Total);
    }
}
