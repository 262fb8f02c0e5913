using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Readings;

/// <summary>
/// A fixed-size ring of readings waiting for the broker. When full, a new reading overwrites the
/// oldest, which is counted in <see cref="Dropped"/>: fresh data matters more than old on a node.
/// A reading leaves only through <see cref="RemoveOldest"/>, after the broker acknowledged it.
/// </summary>
public sealed class ReadingRing
{
    private readonly Reading[] _slots;
    private int _head;
    private long _sequence;

    public ReadingRing(int capacity)
    {
        _slots = new Reading[capacity];
        for (int i = 0; i < capacity; i++) _slots[i] = new Reading();
    }

    public int Capacity => _slots.Length;

    public int Count { get; private set; }

    /// <summary>Readings overwritten before they could be published.</summary>
    public long Dropped { get; private set; }

    public void Add(SensorKind kind, long unixMicroseconds, int[] values)
    {
        if (Count == _slots.Length)
        {
            _head = (_head + 1) % _slots.Length;
            Count--;
            Dropped++;
        }

        Reading slot = _slots[(_head + Count) % _slots.Length];
        slot.Kind = kind;
        slot.UnixMicroseconds = unixMicroseconds;
        slot.Sequence = _sequence++;
        for (int i = 0; i < slot.Values.Length; i++) slot.Values[i] = i < values.Length ? values[i] : 0;
        Count++;
    }

    /// <summary>The oldest reading, or null when empty; it stays in the ring until removed.</summary>
    public Reading? PeekOldest() => Count == 0 ? null : _slots[_head];

    public void RemoveOldest()
    {
        if (Count == 0) return;
        _head = (_head + 1) % _slots.Length;
        Count--;
    }
}
