using SimIoT.Protocol.V1;

namespace SimIoT.LoadGen;

public sealed record LoadOptions
{
    public int Modems { get; init; } = 1;
    /// <summary>Readings per second per modem.</summary>
    public double Rate { get; init; } = 10;
    /// <summary>Zero: until Ctrl-C (the demo).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);
    public string Protocol { get; init; } = "v2";
    public string Gateway { get; init; } = "127.0.0.1:6001";
    public Uri? Api { get; init; } = new("http://127.0.0.1:8000");
    /// <summary>API token (admin of the organization the modems are registered in); sent as a Bearer token.</summary>
    public string? Token { get; init; }
    public ulong FirstId { get; init; } = 0x5100_0000_0000_0001;
    public byte[] MasterKey { get; init; } = Convert.FromHexString("5349_4d49_6f54_2d6c_6f61_6467_656e_2d31".Replace("_", "", StringComparison.Ordinal));
    /// <summary>Measure datagram-to-SSE latency on /api/events.</summary>
    public bool Latency { get; init; } = true;
    public IReadOnlyCollection<Carrier> Refused { get; init; } = [];
    /// <summary>Keepalive interval when idle, as a modem behind a carrier NAT must.</summary>
    public TimeSpan Keepalive { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>How long modems report their carrier before sending, waiting for the gateway to ack each.</summary>
    public TimeSpan ReportTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Where a copy of every uplink datagram also goes (the bench's bare receiver), or null.</summary>
    public System.Net.IPEndPoint? Mirror { get; init; }
}
