using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Telemetry;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Turns one datagram into bus records, acks and command results, or into a counted drop.
/// Used by the receive loop only (one thread), so its payload buffer needs no lock.
/// </summary>
public sealed class UplinkProcessor(
    ModemRegistry registry,
    IEventBus bus,
    DownlinkSender downlink,
    CommandTracker commands,
    IBindingNews bindings,
    DeviceCatalog catalog,
    Backpressure backpressure,
    CloudMetrics metrics,
    IOptions<GatewayOptions> options,
    ILogger<UplinkProcessor> logger)
{
    private readonly byte[] _payload = new byte[SecureFrame.MaxFrameLength];
    private readonly bool _legacy = options.Value.LegacyV1;
    private readonly long _challengeInterval = (long)(options.Value.PathChallengeInterval.TotalSeconds * Stopwatch.Frequency);
    private readonly LegacyAdmission legacyAdmission = new(options);

    public void Process(ReadOnlyMemory<byte> datagram, SocketAddress source)
    {
        if (datagram.IsEmpty)
        {
            metrics.Datagram(DatagramOutcome.Empty);
            return;
        }
        if (SecureFrame.IsSecureFrame(datagram.Span)) ProcessV2(datagram, source);
        else ProcessV1(datagram, source);
    }

    private void ProcessV2(ReadOnlyMemory<byte> datagram, SocketAddress source)
    {
        var error = SecureFrame.TryReadHeader(datagram.Span, out var header);
        if (error != FrameError.None)
        {
            metrics.Datagram(error switch
            {
                FrameError.TooLarge => DatagramOutcome.TooLarge,
                FrameError.UnknownKind => DatagramOutcome.V2UnknownKind,
                FrameError.ZeroSequence => DatagramOutcome.V2ZeroSequence,
                _ => DatagramOutcome.V2Truncated,
            });
            return;
        }
        if (header.Direction != FrameDirection.Uplink)
        {
            metrics.Datagram(DatagramOutcome.WrongDirection);
            return;
        }
        if (!registry.TryGet(header.ModemId, out var session) || session.Keys is null)
        {
            metrics.Datagram(DatagramOutcome.UnknownModem);
            registry.LookUp(header.ModemId);
            return;
        }
        // The path to durability is overloaded or down: take no new data (the edge keeps the
        // frame and resends it), rather than queue without bound or ack what may be lost.
        if (header.Kind == FrameKind.UplinkData && backpressure.IsShedding(out var shed))
        {
            metrics.Datagram(DatagramOutcome.Shed);
            metrics.Shed(shed);
            return;
        }
        FrameReceipt receipt;
        byte[]? challenge = null;
        string? taken = null;
        lock (session.Gate)
        {
            if (session.Disposed)
            {
                metrics.Datagram(DatagramOutcome.UnknownModem);
                return;
            }
            error = SecureFrame.Open(session.Keys, datagram.Span, _payload, out header, session.Window);
            if (error == FrameError.Replayed)
            {
                // Authentic but already seen: the edge resends what it has no ack for, so ack again
                // once it is durable (a frame still in flight is acked when it becomes durable),
                // at the binding and where the replay came from (the edge may have restarted
                // behind a new port); the binding stays: only a fresh frame moves it.
                metrics.Datagram(DatagramOutcome.Replayed);
                session.NoteReplayFrom(source);
                if (!session.Durable.IsFresh(header.Sequence)) RequestAck(session);
                return;
            }
            if (error != FrameError.None)
            {
                metrics.Datagram(DatagramOutcome.BadTag);
                return;
            }
            var uplinkData = header.Kind == FrameKind.UplinkData ? _payload.AsMemory(0, header.PayloadLength) : default;
            var path = session.CheckPath(source, uplinkData, header.Version, Stopwatch.GetTimestamp(), _challengeInterval);
            // An unproven address gets this frame's ack too (coalesced like every ack), never a command.
            if (path is PathCheck.Challenge or PathCheck.Unproven) session.NoteReplayFrom(source);
            else if (session.TakeBinding(header.Sequence)) taken = session.EndpointText;
            if (path == PathCheck.Challenge) challenge = session.ChallengeDatagram();
            metrics.Path(path);
            session.LastSeen = DateTime.UtcNow;
            session.Dirty = true;
            receipt = new FrameReceipt(session, header.Sequence, downlink, metrics);
            metrics.AcksWithheld(1);
        }
        if (challenge is not null) downlink.SendChallenge(challenge, source);
        if (taken is not null) bindings.Announce(session, header.Sequence, taken);
        var payload = _payload.AsMemory(0, header.PayloadLength);
        bool wellFormed = header.Kind == FrameKind.UplinkData ? PublishBatch(session, payload, header.Version, receipt) : HandleResult(session, payload);
        // Acked once every reading is durable (at once when it carried none).
        receipt.Sealed();
        metrics.Datagram(wellFormed ? DatagramOutcome.Accepted : DatagramOutcome.MalformedPayload);
        if (session.HasCommandWork) commands.OnFrame(session);
    }

    private void RequestAck(ModemSession session)
    {
        if (session.AckPending) return;
        session.AckPending = true;
        downlink.RequestAck(session);
    }

    // version 3: compact readings, each read as the v1 IoT Data packet it stands for.
    private bool PublishBatch(ModemSession session, ReadOnlyMemory<byte> payload, int version, FrameReceipt receipt)
    {
        var reader = new UplinkBatchReader(payload, version);
        V1DecodeError error;
        while (reader.TryRead(out var packet, out error))
        {
            switch (packet.Kind)
            {
                case V1PacketKind.IotData when PathChallenge.IsResponse(packet):
                    break; // the path challenge's answer, checked before: not a sensor's
                case V1PacketKind.IotData:
                    PublishReading(session, packet, receipt);
                    break;
                case V1PacketKind.IotStatus:
                    logger.LogDebug("Modem {Modem} status {Status}", session.IdText, packet.Status);
                    break;
                default:
                    return false;
            }
        }
        return error == V1DecodeError.None;
    }

    private void PublishReading(ModemSession session, V1Packet packet, FrameReceipt? receipt)
    {
        if (!TelemetryContract.TryCreate(session.IdText, catalog.Resolve(packet.DeviceId).Nickname, packet, out var point))
        {
            metrics.BadReading();
            return;
        }
        receipt?.Expect();
        bus.PublishTelemetry(point.Sensor, point, receipt);
        metrics.Reading();
    }

    private bool HandleResult(ModemSession session, ReadOnlyMemory<byte> payload)
    {
        if (!CommandMessage.TryRead(payload, out var message) || message.Packet.Kind != V1PacketKind.CarrierSwitchAck) return false;
        commands.OnResult(session, message.CommandId, message.Packet.AckStatus, message.Packet.Carrier);
        return true;
    }

    private void ProcessV1(ReadOnlyMemory<byte> datagram, SocketAddress source)
    {
        if (!_legacy)
        {
            metrics.Datagram(DatagramOutcome.LegacyDisabled);
            return;
        }
        if (!V1Codec.TryDecode(datagram, out var packet, out _) || packet.Kind == V1PacketKind.CarrierSwitchPerform)
        {
            metrics.Datagram(DatagramOutcome.V1Malformed);
            return;
        }
        var endpoint = SocketAddressText.ToEndPoint(source);
        if (!legacyAdmission.Allows(endpoint.Address))
        {
            metrics.Datagram(DatagramOutcome.LegacyNetworkRefused);
            return;
        }
        var session = registry.GetOrAddLegacy(endpoint, legacyAdmission.MaxModems, out bool added);
        if (session is null)
        {
            metrics.Datagram(DatagramOutcome.LegacyLimitReached);
            return;
        }
        if (added) logger.LogInformation("Legacy v1 modem {Modem} registered from {Endpoint}", session.IdText, endpoint);
        lock (session.Gate)
        {
            session.UpdateEndpoint(source);
            session.LastSeen = DateTime.UtcNow;
            session.Dirty = true;
        }
        metrics.Datagram(DatagramOutcome.Accepted);
        if (packet.Kind == V1PacketKind.IotData) PublishReading(session, packet, null);
        else if (packet.Kind == V1PacketKind.CarrierSwitchAck) commands.OnResult(session, null, packet.AckStatus, packet.Carrier);
        if (session.HasCommandWork) commands.OnFrame(session);
    }
}
