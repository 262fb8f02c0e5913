using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SimIoT.Protocol.V2;

/// <summary>
/// Seals and opens v2 frames: header || AES-128-CTR ciphertext || 8-byte AES-CMAC tag
/// (layout and rationale in docs/protocol.md). Never throws on received bytes.
/// </summary>
public static class SecureFrame
{
    public const byte Magic = 0xA2;
    /// <summary>v3: the same frame, uplink-data only, whose plaintext is compact reading blocks (SimIoT.Protocol.V3).</summary>
    public const byte MagicV3 = 0xA3;
    public const int HeaderLength = 14;
    public const int TagLength = 8;
    public const int Overhead = HeaderLength + TagLength;
    public const int MaxFrameLength = 1200;
    public const int MaxPayloadLength = MaxFrameLength - Overhead;

    private const int Block = 16;

    public static FrameDirection DirectionOf(FrameKind kind) =>
        kind is FrameKind.UplinkData or FrameKind.CommandResult ? FrameDirection.Uplink : FrameDirection.Downlink;

    public static bool IsSecureFrame(ReadOnlySpan<byte> datagram) => !datagram.IsEmpty && datagram[0] is Magic or MagicV3;

    /// <summary>Seals a frame into <paramref name="destination"/>; returns its length.</summary>
    /// <exception cref="ArgumentException">payload too large, sequence 0, or destination too short.</exception>
    public static int Seal(ModemKeys keys, FrameKind kind, uint sequence, ReadOnlySpan<byte> payload, Span<byte> destination) =>
        Seal(Magic, keys, kind, sequence, payload, destination);

    /// <summary>Seals a v3 uplink-data frame: <paramref name="compactPayload"/> is compact reading blocks.</summary>
    public static int SealV3(ModemKeys keys, uint sequence, ReadOnlySpan<byte> compactPayload, Span<byte> destination) =>
        Seal(MagicV3, keys, FrameKind.UplinkData, sequence, compactPayload, destination);

    public static byte[] SealV3(ModemKeys keys, uint sequence, ReadOnlySpan<byte> compactPayload)
    {
        var frame = new byte[Overhead + compactPayload.Length];
        SealV3(keys, sequence, compactPayload, frame);
        return frame;
    }

    private static int Seal(byte magic, ModemKeys keys, FrameKind kind, uint sequence, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind));
        if (sequence == 0) throw new ArgumentOutOfRangeException(nameof(sequence), "sequence numbers start at 1");
        if (payload.Length > MaxPayloadLength) throw new ArgumentException($"payload exceeds {MaxPayloadLength} bytes", nameof(payload));
        int length = Overhead + payload.Length;
        if (destination.Length < length) throw new ArgumentException("destination too short", nameof(destination));

        destination[0] = magic;
        destination[1] = (byte)kind;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], keys.ModemId.Value);
        BinaryPrimitives.WriteUInt32BigEndian(destination[10..], sequence);

        var direction = DirectionOf(kind);
        var body = destination.Slice(HeaderLength, payload.Length);
        ApplyKeystream(keys, direction, destination[..HeaderLength], payload, body);
        keys.MacFor(direction).Compute(destination[..(HeaderLength + payload.Length)], destination.Slice(HeaderLength + payload.Length, TagLength));
        return length;
    }

    public static byte[] Seal(ModemKeys keys, FrameKind kind, uint sequence, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[Overhead + payload.Length];
        Seal(keys, kind, sequence, payload, frame);
        return frame;
    }

    /// <summary>Reads the clear header so the receiver can look up the sender's keys.</summary>
    public static FrameError TryReadHeader(ReadOnlySpan<byte> datagram, out SecureFrameHeader header)
    {
        header = default;
        if (!IsSecureFrame(datagram)) return FrameError.NotSecureFrame;
        if (datagram.Length < Overhead) return FrameError.Truncated;
        if (datagram.Length > MaxFrameLength) return FrameError.TooLarge;
        var kind = (FrameKind)datagram[1];
        bool v3 = datagram[0] == MagicV3;
        if (!Enum.IsDefined(kind) || v3 && kind != FrameKind.UplinkData) return FrameError.UnknownKind;
        uint sequence = BinaryPrimitives.ReadUInt32BigEndian(datagram[10..]);
        if (sequence == 0) return FrameError.ZeroSequence;
        header = new SecureFrameHeader(kind, new ModemId(BinaryPrimitives.ReadUInt64BigEndian(datagram[2..])), sequence, datagram.Length - Overhead) { Version = v3 ? 3 : 2 };
        return FrameError.None;
    }

    /// <summary>
    /// Verifies the tag, then (when a window is given) accepts the sequence into it, then
    /// decrypts into <paramref name="payload"/> (at least <see cref="SecureFrameHeader.PayloadLength"/> bytes).
    /// A frame that fails any check changes nothing, not even the window.
    /// </summary>
    public static FrameError Open(ModemKeys keys, ReadOnlySpan<byte> datagram, Span<byte> payload, out SecureFrameHeader header, ReplayWindow? window = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var error = TryReadHeader(datagram, out header);
        if (error != FrameError.None) return error;
        if (header.ModemId != keys.ModemId) return FrameError.BadTag;
        if (payload.Length < header.PayloadLength) throw new ArgumentException("payload buffer too short", nameof(payload));

        var direction = header.Direction;
        int macEnd = HeaderLength + header.PayloadLength;
        if (!keys.MacFor(direction).Verify(datagram[..macEnd], datagram.Slice(macEnd, TagLength)))
            return FrameError.BadTag;
        if (window is not null && !window.TryAccept(header.Sequence))
            return FrameError.Replayed;

        ApplyKeystream(keys, direction, datagram[..HeaderLength], datagram.Slice(HeaderLength, header.PayloadLength), payload);
        return FrameError.None;
    }

    // CTR mode from the block function: counter block i = kind || modemId || sequence || 00 || i.
    private static void ApplyKeystream(ModemKeys keys, FrameDirection direction, ReadOnlySpan<byte> header, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.IsEmpty) return;
        int blocks = (input.Length + Block - 1) / Block;
        int size = blocks * Block;
        // Frames are at most 1200 bytes, so the counter blocks always fit on the stack.
        Span<byte> stream = stackalloc byte[size];
        for (int i = 0; i < blocks; i++)
        {
            var counter = stream.Slice(i * Block, Block);
            header.Slice(1, 13).CopyTo(counter);
            counter[13] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(counter[14..], (ushort)i);
        }
        keys.EncryptionFor(direction).EncryptBlocks(stream, stream);
        for (int i = 0; i < input.Length; i++) output[i] = (byte)(input[i] ^ stream[i]);
        CryptographicOperations.ZeroMemory(stream);
    }
}
