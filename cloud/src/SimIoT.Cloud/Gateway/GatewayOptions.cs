namespace SimIoT.Cloud.Gateway;

public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>UDP address to bind; 0.0.0.0 takes modems from any interface.</summary>
    public string UdpAddress { get; set; } = "0.0.0.0";

    /// <summary>The seed's port; 0 lets the OS choose (tests).</summary>
    public int UdpPort { get; set; } = 6001;

    /// <summary>Accept v1 seed packets (unauthenticated; identity = source endpoint).</summary>
    public bool LegacyV1 { get; set; }

    /// <summary>The organization legacy v1 modems (which carry no identity) are registered in.</summary>
    public string LegacyOrganization { get; set; } = Identity.OrganizationNames.Default;

    /// <summary>Source networks (CIDR, such as 10.20.0.0/16) v1 packets are taken from; empty takes any source.</summary>
    public List<string> LegacyNetworks { get; set; } = [];

    /// <summary>Most legacy v1 modems (one per source address and port) the gateway holds; a new one beyond is refused.</summary>
    public int LegacyMaxModems { get; set; } = 1000;

    /// <summary>Modem that a seed downstream-request naming no modem goes to, when several are registered.</summary>
    public string? DefaultModem { get; set; }

    /// <summary>
    /// SO_REUSEPORT (Linux): several gateway processes on one host share the UDP port; the kernel
    /// keeps each source address and port on one socket. docs/operations.md, "A cluster".
    /// </summary>
    public bool ReusePort { get; set; }

    /// <summary>SO_RCVBUF asked of the kernel (Linux caps it at net.core.rmem_max).</summary>
    public int ReceiveBufferBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>At most one uplink-ack per modem per interval; the last frame of a burst is still acked.</summary>
    public TimeSpan AckInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// A binding younger than this counts as fresh: a command is sent to it at once. Carrier NATs
    /// drop idle UDP mappings after 30 s or more, so modems keep alive every 20 s (docs/operations.md).
    /// </summary>
    public TimeSpan LinkFreshness { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// At most one path challenge per modem per interval: a fresh frame from an address that is
    /// not the modem's binding gets one, and the binding moves there when the SIM seals it back.
    /// </summary>
    public TimeSpan PathChallengeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the modems' last seen, endpoint, carrier and replay window are written to the store.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Downlink sequence numbers reserved in the store at a time.</summary>
    public uint SequenceBlock { get; set; } = 1024;
}
