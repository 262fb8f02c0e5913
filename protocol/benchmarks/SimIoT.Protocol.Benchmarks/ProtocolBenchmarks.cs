using BenchmarkDotNet.Attributes;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Protocol.Benchmarks;

/// <summary>The protocol hot paths: what the gateway does for every datagram.</summary>
[MemoryDiagnoser]
public class ProtocolBenchmarks
{
    private readonly ReadOnlyMemory<byte> _v1 = V1Packet.IotData(1, DateTime.UtcNow, TelemetryValues.Encode(-12, 980, 31)).ToArray();
    private readonly byte[] _payload64 = new byte[64];
    private readonly byte[] _frame64;
    private readonly byte[] _output = new byte[SecureFrame.MaxFrameLength];
    private readonly ModemKeys _keys = new(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), new ModemId(1234));

    public ProtocolBenchmarks()
    {
        Random.Shared.NextBytes(_payload64);
        _frame64 = SecureFrame.Seal(_keys, FrameKind.UplinkData, 1, _payload64);
    }

    [Benchmark(Description = "v1 decode (IoT Data, 3 axes)")]
    public bool V1Decode() => V1Codec.TryDecode(_v1, out _, out _);

    [Benchmark(Description = "v2 seal (64-byte payload)")]
    public int V2Seal() => SecureFrame.Seal(_keys, FrameKind.UplinkData, 2, _payload64, _output);

    [Benchmark(Description = "v2 open (64-byte payload)")]
    public FrameError V2Open() => SecureFrame.Open(_keys, _frame64, _output, out _);
}
