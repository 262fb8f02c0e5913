using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// The receive loop on <see cref="GatewaySocket"/>: its own thread, one pooled buffer, a large
/// kernel receive buffer; it never throws on what it receives.
/// </summary>
public sealed class UdpGateway(
    UplinkProcessor processor,
    GatewaySocket gatewaySocket,
    ModemRegistry registry,
    CloudMetrics metrics,
    IOptions<GatewayOptions> options,
    ILogger<UdpGateway> logger) : IHostedService
{
    private Socket? _socket;
    private Thread? _thread;
    private volatile bool _stopping;

    /// <summary>True while the socket is bound and the receive thread runs (readiness).</summary>
    public bool Receiving => _socket is not null && _thread is { IsAlive: true } && !_stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await registry.LoadAsync(cancellationToken).ConfigureAwait(false);
        var o = options.Value;
        var socket = gatewaySocket.Bind(o);
        _socket = socket;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        metrics.KernelDrops = () => KernelUdpDrops.Read(local.Port);
        logger.LogInformation("Gateway listening on udp {Endpoint} (receive buffer {Bytes} bytes, legacy v1 {Legacy})", local, socket.ReceiveBufferSize, o.LegacyV1);
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = "udp-gateway" };
        _thread.Start();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _thread?.Join(TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    private void ReceiveLoop()
    {
        // One system call per batch where the kernel offers it; per datagram elsewhere.
        if (OperatingSystem.IsLinux() && Environment.Is64BitProcess)
            BatchReceiveLoop();
        else
            SingleReceiveLoop();
    }

    private void BatchReceiveLoop()
    {
        var socket = _socket!;
        var source = new SocketAddress(socket.AddressFamily, 128);
        using var receiver = new LinuxBatchReceiver(socket);
        try
        {
            while (true)
            {
                // Stopping: drain what the kernel already holds, so in-flight datagrams are published.
                if (_stopping && socket.Available == 0) break;
                int count;
                try
                {
                    count = receiver.Receive();
                }
                catch (SocketException ex)
                {
                    logger.LogDebug(ex, "recvmmsg failed");
                    continue;
                }
                if (count == 0)
                {
                    // Nothing yet. If .NET has made the descriptor non-blocking, recvmmsg returns at
                    // once, so wait for readability here rather than spin.
                    socket.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead);
                    continue;
                }
                for (int i = 0; i < count; i++)
                {
                    if (receiver.Truncated(i))
                    {
                        metrics.Datagram(DatagramOutcome.TooLarge);
                        continue;
                    }
                    receiver.CopySource(i, source);
                    try
                    {
                        processor.Process(receiver.Datagram(i), source);
                    }
                    catch (Exception ex)
                    {
                        // The processor does not throw on input; this is a bug, and the gateway stays up.
                        logger.LogError(ex, "Datagram processing failed");
                    }
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void SingleReceiveLoop()
    {
        var socket = _socket!;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(65536);
        var source = new SocketAddress(socket.AddressFamily);
        try
        {
            while (true)
            {
                // Stopping: drain what the kernel already holds, so in-flight datagrams are published.
                if (_stopping && socket.Available == 0) break;
                int length;
                try
                {
                    length = socket.ReceiveFrom(buffer, SocketFlags.None, source);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.ConnectionReset or SocketError.MessageSize)
                {
                    if (ex.SocketErrorCode == SocketError.MessageSize) metrics.Datagram(DatagramOutcome.TooLarge);
                    continue;
                }
                try
                {
                    processor.Process(buffer.AsMemory(0, length), source);
                }
                catch (Exception ex)
                {
                    // The processor does not throw on input; this is a bug, and the gateway stays up.
                    logger.LogError(ex, "Datagram processing failed");
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
