using System.Collections.Concurrent;
using SimIoT.Edge.Card;

namespace SimIoT.Edge.Toolkit.Tests;

/// <summary>
/// A card at APDU level for terminal tests: it raises the proactive commands a test
/// queues (91xx, FETCH), records every TERMINAL RESPONSE and ENVELOPE, and lets a test
/// react to an ENVELOPE by queueing more commands, the way a toolkit applet would.
/// </summary>
public sealed class ScriptedCard : ICardChannel
{
    private readonly ConcurrentQueue<byte[]> _pending = new();
    private readonly Lock _lock = new();

    public List<byte[]> TerminalResponses { get; } = [];
    public List<byte[]> Envelopes { get; } = [];
    public List<byte[]> Commands { get; } = [];

    /// <summary>Called for each ENVELOPE; may queue commands and choose the status word (default: 91xx or 9000).</summary>
    public Func<byte[], ushort?>? OnEnvelope { get; set; }

    public event Action<byte[]>? TerminalResponseReceived;

    public void Queue(string hex) => _pending.Enqueue(Convert.FromHexString(hex.Replace(" ", "")));

    public void Queue(byte[] command) => _pending.Enqueue(command);

    public ReadOnlyMemory<byte> Atr => new byte[] { 0x3B, 0x00 };

    public long Session => 1;

    public void Dispose()
    {
    }

    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        var apdu = command.ToArray();
        byte ins = apdu[1];
        byte[] data = apdu.Length > 5 ? apdu[5..] : [];
        lock (_lock)
        {
            Commands.Add(apdu);
            switch (ins)
            {
                case 0x12:
                    return _pending.TryDequeue(out var next) ? [.. next, 0x90, 0x00] : [0x6F, 0x00];
                case 0x14:
                    TerminalResponses.Add(data);
                    TerminalResponseReceived?.Invoke(data);
                    break;
                case 0xC2:
                    Envelopes.Add(data);
                    if (OnEnvelope?.Invoke(data) is { } sw) return [(byte)(sw >> 8), (byte)sw];
                    break;
            }
            return _pending.TryPeek(out var first) ? [0x91, (byte)first.Length] : [0x90, 0x00];
        }
    }
}
