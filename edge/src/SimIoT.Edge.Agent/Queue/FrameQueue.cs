using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Queue;

/// <summary>
/// A bounded, on-disk FIFO of uplink frames kept until the cloud acknowledges their sequence.
///
/// On disk: append-only segment files <c>NNNNNNNNNNNN.seg</c> in one folder. A segment starts with
/// a 16-byte header (magic "SIQ1", the dropped-frame total when it was begun, CRC32 of both) and
/// holds records <c>[u32 length][u32 CRC32][body]</c>, little-endian, body = <c>[type][u32 seq][data]</c>:
/// type 1 a frame, 2 "acknowledged", 3 "dropped" (data: the new dropped total). Removals are records
/// too, so nothing is ever rewritten in place. Opening replays every segment in order; the first
/// record whose length or CRC does not check out (a torn write) is cut off with everything after it
/// in that file. Whole segments are deleted from the oldest end once nothing in them is live, which
/// keeps removal records from outliving the frames they remove. See <see cref="FrameQueueOptions"/>
/// for the fsync policy. Thread-safe.
/// </summary>
public sealed class FrameQueue : IDisposable
{
    private const uint Magic = 0x31514953; // "SIQ1" little-endian
    private const int HeaderLength = 16, RecordHeaderLength = 8, BodyHeaderLength = 5;
    private const byte FrameRecord = 1, AckedRecord = 2, DroppedRecord = 3;

    private readonly object _gate = new();
    private readonly string _directory;
    private readonly FrameQueueOptions _options;
    private readonly ILogger _logger;
    private readonly LinkedList<Entry> _live = new();
    private readonly Dictionary<uint, LinkedListNode<Entry>> _bySequence = [];
    private readonly SortedDictionary<long, int> _livePerSegment = [];
    private readonly Timer _syncTimer;
    private FileStream? _active;
    private long _activeNumber;
    private int _unsynced;
    private long _bytes;
    private bool _disposed;

    private FrameQueue(string directory, FrameQueueOptions options, ILogger logger)
    {
        _directory = directory;
        _options = options;
        _logger = logger;
        _syncTimer = new Timer(_ => SyncIfDirty(), null, options.SyncInterval, options.SyncInterval);
    }

    public int Count
    {
        get
        {
            lock (_gate) return _live.Count;
        }
    }

    public long Bytes
    {
        get
        {
            lock (_gate) return _bytes;
        }
    }

    /// <summary>Frames dropped unacknowledged because the queue was full, over the queue's whole life.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Bytes cut off at open because a record was torn or corrupt.</summary>
    public long TruncatedBytes { get; private set; }

    /// <summary>Segment files currently on disk.</summary>
    public int SegmentCount
    {
        get
        {
            lock (_gate) return Directory.GetFiles(_directory, "*.seg").Length;
        }
    }

    public static FrameQueue Open(string directory, FrameQueueOptions? options = null, ILogger? logger = null)
    {
        Directory.CreateDirectory(directory);
        var queue = new FrameQueue(directory, options ?? new FrameQueueOptions(), logger ?? NullLogger.Instance);
        queue.Recover();
        return queue;
    }

    /// <summary>
    /// Appends a frame. False (and nothing written) when that sequence is already queued: the card
    /// never reuses one, so a repeat is the same frame offered twice.
    /// </summary>
    public bool Enqueue(uint sequence, ReadOnlySpan<byte> frame)
    {
        if (frame.Length > _options.MaxFrameBytes) throw new ArgumentException($"frame of {frame.Length} bytes exceeds {_options.MaxFrameBytes}", nameof(frame));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_bySequence.ContainsKey(sequence)) return false;
            Span<byte> total = stackalloc byte[8];
            while (_live.Count > 0 && (_live.Count + 1 > _options.MaxFrames || _bytes + frame.Length > _options.MaxBytes))
            {
                var oldest = _live.First!.Value;
                DroppedFrames++;
                BinaryPrimitives.WriteInt64LittleEndian(total, DroppedFrames);
                Append(DroppedRecord, oldest.Sequence, total);
                Unlink(_live.First);
                _logger.LogWarning("Store-and-forward queue full: dropped unacknowledged frame {Sequence} ({Dropped} dropped so far)", oldest.Sequence, DroppedFrames);
            }

            long segment = Append(FrameRecord, sequence, frame);
            Link(new Entry(sequence, frame.ToArray(), segment));
            DeleteDeadSegments();
            return true;
        }
    }

    /// <summary>Up to <paramref name="max"/> frames, oldest first: what to (re)send.</summary>
    public IReadOnlyList<QueuedFrame> Peek(int max = int.MaxValue)
    {
        lock (_gate) return [.. _live.Take(max).Select(e => new QueuedFrame(e.Sequence, e.Frame))];
    }

    /// <summary>Removes every queued frame the acknowledgement covers; returns how many.</summary>
    public int Acknowledge(UplinkAck ack)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int removed = 0;
            for (var node = _live.First; node is not null;)
            {
                var next = node.Next;
                if (ack.Acknowledges(node.Value.Sequence))
                {
                    Append(AckedRecord, node.Value.Sequence, []);
                    Unlink(node);
                    removed++;
                }

                node = next;
            }

            DeleteDeadSegments();
            return removed;
        }
    }

    /// <summary>Removes one frame by sequence (an acknowledgement of exactly one frame).</summary>
    public bool Remove(uint sequence)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_bySequence.TryGetValue(sequence, out var node)) return false;
            Append(AckedRecord, sequence, []);
            Unlink(node);
            DeleteDeadSegments();
            return true;
        }
    }

    /// <summary>fsync now.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_active is null || _unsynced == 0) return;
            _active.Flush(flushToDisk: true);
            _unsynced = 0;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _syncTimer.Dispose();
            _active?.Flush(flushToDisk: true);
            _active?.Dispose();
            _active = null;
        }
    }

    private void SyncIfDirty()
    {
        try
        {
            lock (_gate)
            {
                if (!_disposed) Flush();
            }
        }
        catch (IOException e)
        {
            _logger.LogError(e, "fsync of the store-and-forward queue failed");
        }
    }

    private long Append(byte type, uint sequence, ReadOnlySpan<byte> data)
    {
        if (_active is null || _active.Length >= _options.SegmentBytes) BeginSegment();
        int bodyLength = BodyHeaderLength + data.Length;
        var record = new byte[RecordHeaderLength + bodyLength];
        var body = record.AsSpan(RecordHeaderLength);
        body[0] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(body[1..], sequence);
        data.CopyTo(body[BodyHeaderLength..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.HashToUInt32(body));
        // One write() per record (the stream is unbuffered): a killed process leaves whole records.
        _active!.Write(record);
        if (++_unsynced >= _options.SyncEveryRecords)
        {
            _active.Flush(flushToDisk: true);
            _unsynced = 0;
        }

        return _activeNumber;
    }

    private void BeginSegment()
    {
        if (_active is not null)
        {
            _active.Flush(flushToDisk: true);
            _active.Dispose();
        }

        _activeNumber++;
        _active = new FileStream(SegmentPath(_activeNumber), FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        var header = new byte[HeaderLength];
        WriteHeader(header, DroppedFrames);
        _active.Write(header);
        _active.Flush(flushToDisk: true);
        _unsynced = 0;
        _livePerSegment.TryAdd(_activeNumber, 0);
    }

    private void Link(Entry entry)
    {
        _bySequence[entry.Sequence] = _live.AddLast(entry);
        _bytes += entry.Frame.Length;
        _livePerSegment[entry.Segment] = _livePerSegment.GetValueOrDefault(entry.Segment) + 1;
    }

    private void Unlink(LinkedListNode<Entry> node)
    {
        _live.Remove(node);
        _bySequence.Remove(node.Value.Sequence);
        _bytes -= node.Value.Frame.Length;
        _livePerSegment[node.Value.Segment]--;
    }

    private void DeleteDeadSegments()
    {
        while (_livePerSegment.Count > 0)
        {
            var (oldest, live) = _livePerSegment.First();
            if (live > 0 || oldest == _activeNumber) return;
            File.Delete(SegmentPath(oldest));
            _livePerSegment.Remove(oldest);
        }
    }

    private void Recover()
    {
        var numbers = Directory.GetFiles(_directory, "*.seg")
            .Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f), out long n) ? n : -1)
            .Where(n => n > 0).Order().ToList();
        foreach (long number in numbers)
        {
            _livePerSegment.TryAdd(number, 0);
            ReplaySegment(number, isLast: number == numbers[^1]);
        }

        _activeNumber = numbers.Count > 0 ? numbers[^1] : 0;
        if (_activeNumber > 0 && File.Exists(SegmentPath(_activeNumber)))
        {
            _active = new FileStream(SegmentPath(_activeNumber), FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }

        DeleteDeadSegments();
        if (_live.Count > 0 || DroppedFrames > 0)
        {
            _logger.LogInformation("Store-and-forward queue recovered {Count} unacknowledged frames ({Bytes} bytes), {Dropped} dropped so far", _live.Count, _bytes, DroppedFrames);
        }
    }

    private void ReplaySegment(long number, bool isLast)
    {
        string path = SegmentPath(number);
        byte[] content = File.ReadAllBytes(path);
        if (content.Length < HeaderLength || !TryReadHeader(content, out long droppedAtStart))
        {
            _logger.LogWarning("Segment {Path} has no valid header; {Action}", path, isLast ? "starting it again" : "discarding it");
            TruncatedBytes += content.Length;
            if (isLast)
            {
                var header = new byte[HeaderLength];
                WriteHeader(header, DroppedFrames);
                File.WriteAllBytes(path, header);
            }
            else
            {
                File.Delete(path);
                _livePerSegment.Remove(number);
            }

            return;
        }

        DroppedFrames = Math.Max(DroppedFrames, droppedAtStart);
        int offset = HeaderLength;
        while (offset < content.Length)
        {
            if (!TryReadRecord(content.AsSpan(offset), out byte type, out uint sequence, out var data, out int length))
            {
                int cut = content.Length - offset;
                _logger.LogWarning("Segment {Path}: torn or corrupt record at offset {Offset}; cutting off {Bytes} bytes", path, offset, cut);
                TruncatedBytes += cut;
                using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
                file.SetLength(offset);
                file.Flush(flushToDisk: true);
                break;
            }

            Apply(type, sequence, data, number);
            offset += length;
        }
    }

    private void Apply(byte type, uint sequence, ReadOnlySpan<byte> data, long segment)
    {
        switch (type)
        {
            case FrameRecord:
                if (_bySequence.TryGetValue(sequence, out var stale)) Unlink(stale);
                Link(new Entry(sequence, data.ToArray(), segment));
                break;
            case AckedRecord:
                if (_bySequence.TryGetValue(sequence, out var acked)) Unlink(acked);
                break;
            case DroppedRecord:
                if (_bySequence.TryGetValue(sequence, out var dropped)) Unlink(dropped);
                if (data.Length == 8) DroppedFrames = Math.Max(DroppedFrames, BinaryPrimitives.ReadInt64LittleEndian(data));
                break;
        }
    }

    private bool TryReadRecord(ReadOnlySpan<byte> input, out byte type, out uint sequence, out ReadOnlySpan<byte> data, out int length)
    {
        type = 0;
        sequence = 0;
        data = default;
        length = 0;
        if (input.Length < RecordHeaderLength) return false;
        uint bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(input);
        if (bodyLength < BodyHeaderLength || bodyLength > BodyHeaderLength + (uint)_options.MaxFrameBytes || bodyLength > input.Length - RecordHeaderLength) return false;
        var body = input.Slice(RecordHeaderLength, (int)bodyLength);
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(input[4..])) return false;
        type = body[0];
        if (type is not (FrameRecord or AckedRecord or DroppedRecord)) return false;
        sequence = BinaryPrimitives.ReadUInt32LittleEndian(body[1..]);
        data = body[BodyHeaderLength..];
        length = RecordHeaderLength + (int)bodyLength;
        return true;
    }

    private static void WriteHeader(Span<byte> header, long dropped)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(header[4..], dropped);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], Crc32.HashToUInt32(header[..12]));
    }

    private static bool TryReadHeader(ReadOnlySpan<byte> header, out long dropped)
    {
        dropped = BinaryPrimitives.ReadInt64LittleEndian(header[4..]);
        return BinaryPrimitives.ReadUInt32LittleEndian(header) == Magic
            && BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) == Crc32.HashToUInt32(header[..12]);
    }

    private string SegmentPath(long number) => Path.Combine(_directory, $"{number:D12}.seg");

    private sealed record Entry(uint Sequence, byte[] Frame, long Segment);
}
