using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SimIoT.Protocol.V2;

namespace SimIoT.Protocol.Tests.V2;

public class ReplayWindowTests
{
    [Fact]
    public void Accepts_each_sequence_once_and_nothing_older_than_the_window()
    {
        var window = new ReplayWindow();
        Assert.False(window.TryAccept(0));
        Assert.True(window.TryAccept(100));
        Assert.False(window.TryAccept(100));
        Assert.True(window.TryAccept(36)); // exactly 64 below the highest: the oldest the window holds
        Assert.False(window.TryAccept(35)); // 65 below: too old
        Assert.True(window.TryAccept(99));
        Assert.False(window.TryAccept(99));
        Assert.True(window.TryAccept(1000));
        Assert.False(window.TryAccept(100));
    }

    [Fact]
    public void The_state_is_the_uplink_acknowledgement()
    {
        var window = new ReplayWindow();
        foreach (uint s in new uint[] { 1, 2, 4, 7 }) window.TryAccept(s);
        var ack = window.ToAck();
        Assert.Equal(7u, ack.Highest);
        foreach (uint s in new uint[] { 1, 2, 4, 7 }) Assert.True(ack.Acknowledges(s), $"{s}");
        foreach (uint s in new uint[] { 0, 3, 5, 6, 8 }) Assert.False(ack.Acknowledges(s), $"{s}");
        Assert.True(UplinkAck.TryRead(ack.ToArray(), out var back));
        Assert.Equal(ack, back);
        var restored = new ReplayWindow(ack.Highest, ack.Bitmap);
        Assert.False(restored.TryAccept(4));
        Assert.True(restored.TryAccept(5));
    }

    /// <summary>The window agrees with the obvious model: a set of seen numbers and a 64-wide horizon.</summary>
    [Property(MaxTest = 500)]
    public Property Behaves_like_a_set_with_a_horizon() =>
        Prop.ForAll(Gen.Choose(0, 200).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 300).Select(v => (uint)v), n)).ToArbitrary(), sequences =>
        {
            var window = new ReplayWindow();
            var seen = new HashSet<uint>();
            uint highest = 0;
            foreach (var s in sequences)
            {
                bool expected = s != 0 && !seen.Contains(s) && (s > highest || highest - s <= ReplayWindow.Size);
                if (window.TryAccept(s) != expected) return false;
                if (expected)
                {
                    seen.Add(s);
                    highest = Math.Max(highest, s);
                }
            }
            return window.Highest == highest;
        });
}
