using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Durability of one uplink frame: one count per published reading plus one held while the
/// receive loop still publishes. At zero the frame joins the session's durable window and is
/// acked; if any reading failed, the session forgets what is not durable so the resend is taken.
/// </summary>
public sealed class FrameReceipt(ModemSession session, uint sequence, DownlinkSender downlink, CloudMetrics metrics) : IDeliveryReceipt
{
    private int _pending = 1;
    private int _failed = -1;

    /// <summary>Called before each publish that carries this receipt.</summary>
    public void Expect() => Interlocked.Increment(ref _pending);

    /// <summary>The receive loop has published all the frame's readings.</summary>
    public void Sealed() => Release();

    public void Durable() => Release();

    public void Failed(ShedReason reason)
    {
        Interlocked.CompareExchange(ref _failed, (int)reason, -1);
        Release();
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _pending) != 0) return;
        metrics.AcksWithheld(-1);
        int failed = Volatile.Read(ref _failed);
        lock (session.Gate)
        {
            if (session.Disposed) return;
            if (failed >= 0)
            {
                session.ForgetUndurable();
                metrics.Shed((ShedReason)failed);
                return;
            }
            session.Durable.TryAccept(sequence);
            session.Dirty = true;
            if (session.AckPending) return;
            session.AckPending = true;
            downlink.RequestAck(session);
        }
    }
}
