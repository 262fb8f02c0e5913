using System.Net;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.LoadGen;

/// <summary>
/// A modem with its SIM, in software: seals real v2 frames with its own keys from its own UDP
/// socket or one it shares (<see cref="ModemSocket"/>), verifies what the cloud sends (uplink acks, commands) with a downlink replay window,
/// and answers carrier switches like the applet would: switch, then a command-result ACK (or a
/// NACK for a carrier it refuses). Used by the load generator, the demo and the tests.
/// </summary>
public sealed class SimulatedModem : IDisposable
{
    private readonly ModemKeys _keys;
    private readonly object _gate = new();
    private readonly ModemSocket _socket;
    private readonly bool _ownsSocket;
    private readonly ReplayWindow _downlink = new();
    private readonly byte[] _frame = new byte[SecureFrame.MaxFrameLength];
    private readonly byte[] _received = new byte[SecureFrame.MaxFrameLength];
    private readonly HashSet<uint> _results = [];
    private uint _sequence;
    private long _resultsSent;

    /// <summary>A modem with a UDP socket of its own.</summary>
    public SimulatedModem(ModemId id, byte[] masterKey, IPEndPoint gateway)
        : this(id, masterKey, new ModemSocket(gateway), ownsSocket: true)
    {
    }

    /// <summary>A modem on a socket it shares with others (a fleet behind one NAT address).</summary>
    public SimulatedModem(ModemId id, byte[] masterKey, ModemSocket socket)
        : this(id, masterKey, socket, ownsSocket: false)
    {
    }

    private SimulatedModem(ModemId id, byte[] masterKey, ModemSocket socket, bool ownsSocket)
    {
        Id = id;
        MasterKey = masterKey;
        _keys = new ModemKeys(masterKey, id);
        _socket = socket;
        _ownsSocket = ownsSocket;
        socket.Attach(this);
    }

    public ModemId Id { get; }
    public byte[] MasterKey { get; }
    public IPEndPoint LocalEndPoint => _socket.LocalEndPoint;

    /// <summary>The carrier the simulated SIM holds.</summary>
    public Carrier Carrier { get; set; } = Carrier.Att;

    /// <summary>Carriers this SIM refuses: a switch to one of them is answered with a NACK.</summary>
    public HashSet<Carrier> Refused { get; } = [];

    /// <summary>When false, commands are recorded but not answered (to test retransmission and time-outs).</summary>
    public bool AnswerCommands { get; set; } = true;

    /// <summary>The latest uplink ack, and when it arrived.</summary>
    public UplinkAck LastAck { get; private set; }

    public long AcksReceived { get; private set; }

    /// <summary>Sequence of the last authentic downlink frame.</summary>
    public uint LastDownlinkSequence { get; private set; }

    public List<CommandMessage> Commands { get; } = [];

    /// <summary>Raised on the receive task for every authentic uplink ack.</summary>
    public event Action<SimulatedModem, UplinkAck>? Acked;

    public event Action<SimulatedModem, CommandMessage>? CommandReceived;

    /// <summary>The last uplink sequence used; settable because a real SIM's counter survives a power cycle.</summary>
    public uint LastSequence
    {
        get { lock (_gate) return _sequence; }
        set { lock (_gate) _sequence = value; }
    }

    /// <summary>Seals an uplink-data frame (no packets: a keepalive) and sends it; returns its sequence.</summary>
    public uint SendData(params V1Packet[] packets)
    {
        Span<byte> payload = stackalloc byte[SecureFrame.MaxPayloadLength];
        int n = UplinkBatchReader.Write(packets, payload);
        return Send(FrameKind.UplinkData, payload[..n]);
    }

    /// <summary>Seals a v3 uplink-data frame of compact reading blocks (as the SIM fills one from SUBMIT COMPACT) and sends it.</summary>
    public uint SendCompact(ReadOnlySpan<byte> blocks) => Send(FrameKind.UplinkData, blocks, SecureFrame.MagicV3);

    public uint SendReading(uint deviceId, DateTime timestamp, params int[] values) =>
        SendData(V1Packet.IotData(deviceId, timestamp, TelemetryValues.Encode(values)));

    public uint SendResult(uint commandId, AckStatus status, Carrier carrier)
    {
        var message = new CommandMessage(commandId, V1Packet.Ack(status, carrier)).ToArray();
        uint sequence = Send(FrameKind.CommandResult, message);
        lock (_results) _results.Add(sequence);
        Interlocked.Increment(ref _resultsSent);
        return sequence;
    }

    /// <summary>Command-result frames sent (answers and carrier reports).</summary>
    public long ResultsSent => Interlocked.Read(ref _resultsSent);

    /// <summary>True when the frame of that sequence carried a command result (or carrier report), not readings.</summary>
    public bool IsResult(uint sequence)
    {
        lock (_results) return _results.Contains(sequence);
    }

    /// <summary>An unsolicited carrier report (command id 0), as a SIM sends when it starts or falls back.</summary>
    public uint ReportCarrier() => SendResult(CommandMessage.UnsolicitedReport, AckStatus.Ack, Carrier);

    private uint Send(FrameKind kind, ReadOnlySpan<byte> payload, byte magic = SecureFrame.Magic)
    {
        uint sequence;
        int length;
        lock (_gate)
        {
            sequence = ++_sequence;
            length = magic == SecureFrame.MagicV3 ? SecureFrame.SealV3(_keys, sequence, payload, _frame) : SecureFrame.Seal(_keys, kind, sequence, payload, _frame);
            _socket.Send(_frame.AsSpan(0, length));
        }
        return sequence;
    }

    /// <summary>Sends bytes as they are (forgeries, replays, garbage) from this modem's socket.</summary>
    public void SendRaw(ReadOnlySpan<byte> datagram) => _socket.SendRaw(datagram);

    /// <summary>Seals a frame without sending it (to replay or mutate it).</summary>
    public byte[] Seal(FrameKind kind, ReadOnlySpan<byte> payload)
    {
        lock (_gate) return SecureFrame.Seal(_keys, kind, ++_sequence, payload);
    }

    /// <summary>A datagram its socket received with this modem's id in the header (on the socket's receive task).</summary>
    internal void Receive(ReadOnlySpan<byte> datagram)
    {
        FrameError error;
        SecureFrameHeader header;
        lock (_gate) error = SecureFrame.Open(_keys, datagram, _received, out header, _downlink);
        if (error != FrameError.None) return;
        LastDownlinkSequence = header.Sequence;
        if (header.Kind == FrameKind.UplinkAck && UplinkAck.TryRead(_received.AsSpan(0, header.PayloadLength), out var ack))
        {
            LastAck = ack;
            AcksReceived++;
            Acked?.Invoke(this, ack);
        }
        else if (header.Kind == FrameKind.DownlinkCommand && CommandMessage.TryRead(_received.AsMemory(0, header.PayloadLength).ToArray(), out var command))
        {
            lock (Commands) Commands.Add(command);
            CommandReceived?.Invoke(this, command);
            if (AnswerCommands && command.Packet.Kind == V1PacketKind.CarrierSwitchPerform) Answer(command);
        }
    }

    private void Answer(CommandMessage command)
    {
        var wanted = command.Packet.Carrier;
        if (Refused.Contains(wanted))
        {
            SendResult(command.CommandId, AckStatus.Nack, Carrier);
            return;
        }
        Carrier = wanted;
        SendResult(command.CommandId, AckStatus.Ack, Carrier);
    }

    public void Dispose()
    {
        _socket.Detach(this);
        if (_ownsSocket) _socket.Dispose();
        _keys.Dispose();
    }
}
