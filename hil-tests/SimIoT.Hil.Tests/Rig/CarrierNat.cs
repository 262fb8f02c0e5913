using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SimIoT.Protocol.V2;

namespace SimIoT.Hil.Tests.Rig;

/// <summary>
/// The carrier network between the modem and the cloud, as real UDP: the card is personalised
/// with this relay's address; each modem socket (source endpoint) gets its own outside socket
/// toward the gateway, like a carrier NAT mapping. <see cref="Rebind"/> gives every mapping a new
/// outside port (a NAT rebinding); <see cref="DropUplink"/> / <see cref="DropDownlink"/> make the
/// cloud unreachable in one direction or both; <see cref="DropDownlinkAfterCommand"/> lets one
/// downlink command through and then nothing (no acknowledgement ever reaches the card).
/// </summary>
public sealed class CarrierNat : IDisposable
{
    private readonly Socket _inside = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _cloud;
    private readonly ConcurrentDictionary<IPEndPoint, Mapping> _mappings = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _insideLoop;

    public CarrierNat(IPEndPoint cloud)
    {
        _cloud = cloud;
        _inside.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _insideLoop = Task.Run(InsideLoopAsync);
    }

    /// <summary>The address the card is personalised with instead of the cloud's.</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_inside.LocalEndPoint!;

    public volatile bool DropUplink;
    public volatile bool DropDownlink;
    public volatile bool DropDownlinkAfterCommand;

    public int DownlinkDropped;
    public int UplinkDropped;

    /// <summary>Every uplink datagram seen (delivered or dropped), with the modem endpoint it came from.</summary>
    public ConcurrentQueue<(DateTime At, IPEndPoint Modem, byte[] Datagram, bool Dropped)> Uplink { get; } = new();

    /// <summary>Downlink datagrams delivered to the modem, with the outside port they arrived on.</summary>
    public ConcurrentQueue<(DateTime At, int OutsidePort, byte[] Datagram)> Downlink { get; } = new();

    /// <summary>The outside (public) ports the gateway has seen, in order of creation.</summary>
    public ConcurrentQueue<int> OutsidePorts { get; } = new();

    /// <summary>The public port the gateway currently sees for this modem socket, if it has a mapping.</summary>
    public int? OutsidePortFor(IPEndPoint modem) => _mappings.TryGetValue(modem, out var m) ? m.Port : null;

    /// <summary>Every mapping gets a new outside socket: the gateway sees the modem at a new port.</summary>
    public void Rebind()
    {
        foreach (var (modem, old) in _mappings)
        {
            _mappings[modem] = NewMapping(modem);
            old.Dispose();
        }
    }

    private Mapping NewMapping(IPEndPoint modem)
    {
        var outside = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        outside.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var mapping = new Mapping(outside, modem);
        OutsidePorts.Enqueue(mapping.Port);
        mapping.Loop = Task.Run(() => OutsideLoopAsync(mapping));
        return mapping;
    }

    private async Task InsideLoopAsync()
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try { r = await _inside.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            var modem = (IPEndPoint)r.RemoteEndPoint;
            var datagram = buffer.AsSpan(0, r.ReceivedBytes).ToArray();
            bool drop = DropUplink;
            Uplink.Enqueue((DateTime.UtcNow, modem, datagram, drop));
            if (drop) { Interlocked.Increment(ref UplinkDropped); continue; }
            var mapping = _mappings.GetOrAdd(modem, NewMapping);
            try { await mapping.Socket.SendToAsync(datagram, SocketFlags.None, _cloud, _stop.Token); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        }
    }

    private async Task OutsideLoopAsync(Mapping mapping)
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested && !mapping.Closed)
        {
            SocketReceiveFromResult r;
            try { r = await mapping.Socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { if (mapping.Closed) return; continue; }
            var datagram = buffer.AsSpan(0, r.ReceivedBytes).ToArray();
            if (DropDownlink) { Interlocked.Increment(ref DownlinkDropped); continue; }
            if (DropDownlinkAfterCommand && SecureFrame.TryReadHeader(datagram, out var header) == FrameError.None && header.Kind == FrameKind.DownlinkCommand)
                DropDownlink = true; // this command goes through, nothing after it
            Downlink.Enqueue((DateTime.UtcNow, mapping.Port, datagram));
            try { await _inside.SendToAsync(datagram, SocketFlags.None, mapping.Modem, _stop.Token); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _inside.Dispose();
        foreach (var m in _mappings.Values) m.Dispose();
        try { _insideLoop.Wait(2000); } catch (AggregateException) { }
        _stop.Dispose();
    }

    private sealed class Mapping(Socket socket, IPEndPoint modem) : IDisposable
    {
        public Socket Socket { get; } = socket;
        public IPEndPoint Modem { get; } = modem;
        public int Port { get; } = ((IPEndPoint)socket.LocalEndPoint!).Port;
        public Task? Loop { get; set; }
        public volatile bool Closed;

        public void Dispose()
        {
            Closed = true;
            Socket.Dispose();
        }
    }
}
