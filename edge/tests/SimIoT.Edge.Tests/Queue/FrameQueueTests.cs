using SimIoT.Edge.Queue;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Tests.Queue;

public sealed class FrameQueueTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "simiot-queue-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Frames_come_back_in_order_after_a_restart()
    {
        using (var queue = FrameQueue.Open(_dir))
        {
            for (uint seq = 1; seq <= 5; seq++) Assert.True(queue.Enqueue(seq, Frame(seq)));
            Assert.True(queue.Remove(2));
        }

        using var reopened = FrameQueue.Open(_dir);
        Assert.Equal([1u, 3, 4, 5], reopened.Peek().Select(f => f.Sequence));
        Assert.Equal(Frame(4), reopened.Peek()[2].Frame);
        Assert.Equal(4 * 10, reopened.Bytes);
    }

    [Fact]
    public void A_killed_process_loses_nothing_even_without_fsync()
    {
        // No dispose, no fsync: the records are in the kernel, as after a kill -9.
        var queue = FrameQueue.Open(_dir, new FrameQueueOptions { SyncEveryRecords = 1000, SyncInterval = TimeSpan.FromHours(1) });
        for (uint seq = 1; seq <= 3; seq++) queue.Enqueue(seq, Frame(seq));
        using var second = FrameQueue.Open(_dir);
        Assert.Equal([1u, 2, 3], second.Peek().Select(f => f.Sequence));
    }

    [Fact]
    public void A_torn_tail_is_detected_and_cut_off()
    {
        using (var queue = FrameQueue.Open(_dir))
        {
            for (uint seq = 1; seq <= 3; seq++) queue.Enqueue(seq, Frame(seq));
        }

        string segment = Directory.GetFiles(_dir, "*.seg").Single();
        long goodLength = new FileInfo(segment).Length;
        // Power cut in the middle of the fourth record: its header and half its body reached the disk.
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write([23, 0, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF, 1, 4, 0, 0]);
        }

        using (var reopened = FrameQueue.Open(_dir))
        {
            Assert.Equal([1u, 2, 3], reopened.Peek().Select(f => f.Sequence));
            Assert.Equal(12, reopened.TruncatedBytes);
            Assert.Equal(goodLength, new FileInfo(segment).Length);
            Assert.True(reopened.Enqueue(4, Frame(4)));
        }

        using var again = FrameQueue.Open(_dir);
        Assert.Equal([1u, 2, 3, 4], again.Peek().Select(f => f.Sequence));
        Assert.Equal(0, again.TruncatedBytes);
    }

    [Fact]
    public void A_flipped_bit_fails_the_CRC_and_cuts_from_that_record()
    {
        using (var queue = FrameQueue.Open(_dir))
        {
            for (uint seq = 1; seq <= 3; seq++) queue.Enqueue(seq, Frame(seq));
        }

        string segment = Directory.GetFiles(_dir, "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        int secondRecordData = 16 + (8 + 5 + 10) + 8 + 5; // header, first record, second record's header and body header
        bytes[secondRecordData + 3] ^= 0x10;
        File.WriteAllBytes(segment, bytes);

        using var reopened = FrameQueue.Open(_dir);
        Assert.Equal([1u], reopened.Peek().Select(f => f.Sequence));
        Assert.True(reopened.TruncatedBytes > 0);
    }

    [Fact]
    public void When_full_the_oldest_go_first_and_the_loss_is_counted_across_restarts()
    {
        var options = new FrameQueueOptions { MaxFrames = 3 };
        using (var queue = FrameQueue.Open(_dir, options))
        {
            for (uint seq = 1; seq <= 5; seq++) queue.Enqueue(seq, Frame(seq));
            Assert.Equal([3u, 4, 5], queue.Peek().Select(f => f.Sequence));
            Assert.Equal(2, queue.DroppedFrames);
        }

        using var reopened = FrameQueue.Open(_dir, options);
        Assert.Equal([3u, 4, 5], reopened.Peek().Select(f => f.Sequence));
        Assert.Equal(2, reopened.DroppedFrames);
    }

    [Fact]
    public void The_byte_bound_also_drops_the_oldest()
    {
        using var queue = FrameQueue.Open(_dir, new FrameQueueOptions { MaxBytes = 25 });
        for (uint seq = 1; seq <= 3; seq++) queue.Enqueue(seq, Frame(seq));
        Assert.Equal([2u, 3], queue.Peek().Select(f => f.Sequence));
        Assert.Equal(1, queue.DroppedFrames);
        Assert.Equal(20, queue.Bytes);
    }

    [Fact]
    public void Acks_out_of_order_remove_exactly_what_they_cover_and_stay_removed()
    {
        using (var queue = FrameQueue.Open(_dir))
        {
            for (uint seq = 1; seq <= 10; seq++) queue.Enqueue(seq, Frame(seq));
            // Highest 7 with bits for 5 (offset 1) and 3 (offset 3): 3, 5, 7 acknowledged, 1-2, 4, 6 and 8-10 not.
            Assert.Equal(3, queue.Acknowledge(new UplinkAck(7, 0b1010)));
            // A later ack for 9 arrives before the one for 8.
            Assert.Equal(1, queue.Acknowledge(new UplinkAck(9, 0)));
            Assert.Equal(0, queue.Acknowledge(new UplinkAck(9, 0)));
            Assert.Equal([1u, 2, 4, 6, 8, 10], queue.Peek().Select(f => f.Sequence));
        }

        using var reopened = FrameQueue.Open(_dir);
        Assert.Equal([1u, 2, 4, 6, 8, 10], reopened.Peek().Select(f => f.Sequence));
        Assert.Equal(2, reopened.Acknowledge(new UplinkAck(10, 0b11))); // 10, 9 (gone), 8
        Assert.Equal([1u, 2, 4, 6], reopened.Peek(10).Select(f => f.Sequence));
        Assert.Equal([1u, 2], reopened.Peek(2).Select(f => f.Sequence));
    }

    [Fact]
    public void A_repeated_sequence_is_refused()
    {
        using var queue = FrameQueue.Open(_dir);
        Assert.True(queue.Enqueue(7, Frame(7)));
        Assert.False(queue.Enqueue(7, Frame(8)));
        Assert.Equal(Frame(7), queue.Peek().Single().Frame);
    }

    [Fact]
    public void Fully_acknowledged_segments_are_deleted_oldest_first()
    {
        var options = new FrameQueueOptions { SegmentBytes = 100 };
        using (var queue = FrameQueue.Open(_dir, options))
        {
            for (uint seq = 1; seq <= 20; seq++) queue.Enqueue(seq, Frame(seq));
            int segments = queue.SegmentCount;
            Assert.True(segments >= 5, $"{segments} segments");
            // Acknowledging the newest frames frees nothing: the oldest segment still holds frame 1.
            queue.Acknowledge(new UplinkAck(20, ulong.MaxValue >> 46)); // 20 and 19..2
            Assert.Equal([1u], queue.Peek().Select(f => f.Sequence));
            Assert.True(queue.SegmentCount >= segments);
            queue.Remove(1);
            Assert.Equal(1, queue.SegmentCount);
        }

        using var reopened = FrameQueue.Open(_dir, options);
        Assert.Equal(0, reopened.Count);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static byte[] Frame(uint seq) => [.. Enumerable.Range(0, 10).Select(i => (byte)(seq * 16 + i))];
}
