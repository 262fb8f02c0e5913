namespace SimIoT.Firmware.Timing;

/// <summary>Blocks the node's one thread (Thread.Sleep on the device).</summary>
public interface ISleeper
{
    void Sleep(int milliseconds);
}
