using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SimIoT.Edge.Benchmarks;

/// <summary>
/// A TCP relay on the vpcd link between the JVM card host (the vpcd client, i.e. the card) and
/// the agent's vpcd server. Commands go to the card at once; each response is held back
/// <c>delay</c> after it arrived, as a slow physical SIM behind a USB reader would answer.
/// Counts the APDUs (command frames longer than one control byte) and the time from forwarding
/// each to forwarding its response: the card time the agent waited.
/// </summary>
public sealed class VpcdDelayRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _agentPort;
    private readonly TimeSpan _delay;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private long _apdus;
    private long _cardTicks;
    private long _commandSentAt;

    public VpcdDelayRelay(int agentPort, TimeSpan delay)
    {
        _agentPort = agentPort;
        _delay = delay;
        _listener.Start();
        _run = Task.Run(() => AcceptAsync(_stop.Token));
    }

    /// <summary>Where the card host connects instead of the agent.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long Apdus => Interlocked.Read(ref _apdus);

    public TimeSpan CardTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _cardTicks));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var card = await _listener.AcceptTcpClientAsync(ct).ConfigureAwait(false);
            _ = Task.Run(() => RelayAsync(card, ct), ct);
        }
    }

    private async Task RelayAsync(TcpClient card, CancellationToken ct)
    {
        using var _ = card;
        using var agent = new TcpClient { NoDelay = true };
        card.NoDelay = true;
        try
        {
            await agent.ConnectAsync(IPAddress.Loopback, _agentPort, ct).ConfigureAwait(false);
            var toCard = PumpAsync(agent.GetStream(), card.GetStream(), command: true, ct);
            var toAgent = PumpAsync(card.GetStream(), agent.GetStream(), command: false, ct);
            await Task.WhenAny(toCard, toAgent).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // One side went away: the card host was stopped or the agent closed the link.
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool command, CancellationToken ct)
    {
        var header = new byte[2];
        while (true)
        {
            await from.ReadExactlyAsync(header, ct).ConfigureAwait(false);
            var payload = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
            await from.ReadExactlyAsync(payload, ct).ConfigureAwait(false);
            long arrived = Stopwatch.GetTimestamp();
            if (command)
            {
                // One byte is a control message (power, reset, ATR request); longer is an APDU.
                Interlocked.Exchange(ref _commandSentAt, payload.Length > 1 ? arrived : 0);
            }
            else
            {
                var wait = _delay - Stopwatch.GetElapsedTime(arrived);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
            }

            await to.WriteAsync(header, ct).ConfigureAwait(false);
            await to.WriteAsync(payload, ct).ConfigureAwait(false);
            if (!command && Interlocked.Exchange(ref _commandSentAt, 0) is var sent and > 0)
            {
                Interlocked.Increment(ref _apdus);
                Interlocked.Add(ref _cardTicks, Stopwatch.GetTimestamp() - sent);
            }
        }
    }
}
