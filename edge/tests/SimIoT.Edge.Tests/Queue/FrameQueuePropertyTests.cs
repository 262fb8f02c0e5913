using FsCheck.Xunit;
using SimIoT.Edge.Queue;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Tests.Queue;

/// <summary>
/// Random interleavings of enqueue, ack (highest + bitmap), single remove, restart and overflow,
/// checked against an in-memory model: the queue on disk must always hold exactly the model's
/// frames, in order, with the model's loss count.
/// </summary>
public sealed class FrameQueuePropertyTests
{
    [Property(MaxTest = 200)]
    public bool Queue_on_disk_behaves_like_a_bounded_fifo_with_acks(int[] operations)
    {
        string dir = Path.Combine(Path.GetTempPath(), "simiot-queue-prop-" + Guid.NewGuid().ToString("N"));
        var options = new FrameQueueOptions { MaxFrames = 8, SegmentBytes = 200, SyncEveryRecords = 4 };
        var model = new List<(uint Seq, byte[] Frame)>();
        long dropped = 0;
        uint next = 1;
        var queue = FrameQueue.Open(dir, options);
        try
        {
            foreach (int op in operations ?? [])
            {
                int arg = Math.Abs(op / 5);
                switch (Math.Abs(op % 5))
                {
                    case 0 or 1:
                        byte[] frame = [.. Enumerable.Range(0, 1 + arg % 40).Select(i => (byte)(next + i))];
                        queue.Enqueue(next, frame);
                        model.Add((next, frame));
                        if (model.Count > options.MaxFrames)
                        {
                            model.RemoveAt(0);
                            dropped++;
                        }

                        next++;
                        break;
                    case 2:
                        var ack = new UplinkAck((uint)(1 + arg % (int)next), (ulong)(uint)op * 2654435761UL);
                        int expected = model.RemoveAll(m => ack.Acknowledges(m.Seq));
                        if (queue.Acknowledge(ack) != expected) return false;
                        break;
                    case 3:
                        uint seq = (uint)(1 + arg % (int)next);
                        if (queue.Remove(seq) != (model.RemoveAll(m => m.Seq == seq) == 1)) return false;
                        break;
                    default:
                        queue.Dispose();
                        queue = FrameQueue.Open(dir, options);
                        break;
                }

                var actual = queue.Peek();
                if (actual.Count != model.Count || queue.DroppedFrames != dropped) return false;
                for (int i = 0; i < model.Count; i++)
                {
                    if (actual[i].Sequence != model[i].Seq || !actual[i].Frame.AsSpan().SequenceEqual(model[i].Frame)) return false;
                }
            }

            return true;
        }
        finally
        {
            queue.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }
}
