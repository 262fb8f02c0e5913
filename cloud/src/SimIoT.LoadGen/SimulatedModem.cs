using System.Net;
using System.Net.Sockets;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.LoadGen;

/// <summary>
/// A modem with its SIM, in software: seals real v2 frames with its own keys from its own UDP
/// socket, verifies what the cloud sends (uplink acks, commands) with a downlink replay window,
/// and answers carrier switches like the applet would: switch, then a command-result ACK (or a
/// NACK for a carrier it refuses). Used by the load generator, the demo and the tests.
/// </summary>
public sealed class SimulatedModem : IDisposable
{
    private readonly ModemKeys _keys;
    private readonly object _gate = new();
    private readonly Socket _socket;
    private readonly ReplayWindow _downlink = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _frame = new byte[SecureFrame.MaxFrameLength];
    private readonly Task _receiver;
    private uint _sequence;

    public SimulatedModem(ModemId id, byte[] masterKey, IPEndPoint gateway)
    {
        Id = id;
        MasterKey = masterKey;
        _keys = new ModemKeys(masterKey, id);
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.Connect(gateway);
        _receiver = Task.Run(ReceiveAsync);
    }

    public ModemId Id { get; }
    public byte[] MasterKey { get; }
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

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
        return Send(FrameKind.CommandResult, message);
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
            try
            {
                _socket.Send(_frame.AsSpan(0, length));
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.NoBufferSpaceAvailable)
            {
                // The cloud is not there (an ICMP port unreachable came back): the frame is lost, as on a real link.
            }
        }
        return sequence;
    }

    /// <summary>Sends bytes as they are (forgeries, replays, garbage) from this modem's socket.</summary>
    public void SendRaw(ReadOnlySpan<byte> datagram) => _socket.Send(datagram);

    /// <summary>Seals a frame without sending it (to replay or mutate it).</summary>
    public byte[] Seal(FrameKind kind, ReadOnlySpan<byte> payload)
    {
        lock (_gate) return SecureFrame.Seal(_keys, kind, ++_sequence, payload);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[2048];
        var payload = new byte[SecureFrame.MaxFrameLength];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            FrameError error;
            SecureFrameHeader header;
            lock (_gate) error = SecureFrame.Open(_keys, buffer.AsSpan(0, n), payload, out header, _downlink);
            if (error != FrameError.None) continue;
            LastDownlinkSequence = header.Sequence;
            if (header.Kind == FrameKind.UplinkAck && UplinkAck.TryRead(payload.AsSpan(0, header.PayloadLength), out var ack))
            {
                LastAck = ack;
                AcksReceived++;
                Acked?.Invoke(this, ack);
            }
            else if (header.Kind == FrameKind.DownlinkCommand && CommandMessage.TryRead(payload.AsMemory(0, header.PayloadLength).ToArray(), out var command))
            {
                lock (Commands) Commands.Add(command);
                CommandReceived?.Invoke(this, command);
                if (AnswerCommands && command.Packet.Kind == V1PacketKind.CarrierSwitchPerform) Answer(command);
            }
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
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _receiver.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
        _keys.Dispose();
        _stop.Dispose();
    }
}
