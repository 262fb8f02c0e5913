using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Gateway;

/// <summary>
/// The binding (where acks and commands go) moves only to an address that answered a path
/// challenge with the SIM: real UDP sockets, a stranger that holds no key.
/// </summary>
public class PathProofTests
{
    [Fact]
    public async Task A_stranger_replaying_a_held_back_frame_gets_a_challenge_it_cannot_answer_and_the_switch_stays_with_the_modem()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Gateway:PathChallengeInterval"] = "01:00:00" });
        var modem = await cloud.AddModemAsync(0x5152);
        modem.SendData();
        await Eventually.TrueAsync(() => modem.AcksReceived > 0, "the modem is bound and acked");

        // An on-path attacker holds back the modem's next frame (so it is still fresh) and sends it from its own socket.
        var heldBack = modem.Seal(FrameKind.UplinkData, []);
        using var stranger = new Stranger(cloud.Udp);
        stranger.Send(heldBack);
        var challenge = await stranger.ReceiveChallengeAsync();
        Assert.Equal(modem.Id, challenge.Modem);
        Assert.Equal(PathChallenge.NonceLength, challenge.Nonce.Length);
        Assert.Equal(0, modem.ChallengesReceived);

        // Without the SIM all it can do is send the frame again (a replay) or a second held-back one.
        stranger.Send(heldBack);
        stranger.Send(modem.Seal(FrameKind.UplinkData, []));
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) == 3 && cloud.Metrics.DatagramCount(DatagramOutcome.Replayed) == 1, "all three taken or dropped as replays");

        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" });
        response.EnsureSuccessStatusCode();
        await Eventually.ValueAsync(() => cloud.GetJsonAsync(response.Headers.Location!.OriginalString), j => j.GetProperty("state").GetString() == "acked", "the real modem gets the switch and answers it");
        lock (modem.Commands) Assert.Single(modem.Commands);
        var (challenges, _, other) = stranger.Drain(modem);
        Assert.Equal(0, other); // no command: an unproven address never gets one
        Assert.Equal(0, challenges); // one per interval
        Assert.Equal(0, cloud.Metrics.PathCount(PathCheck.Moved));
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}"),
            j => j.GetProperty("endpoint").GetString() == modem.LocalEndPoint.ToString(), "the binding shown is the modem's");
    }

    [Fact]
    public async Task A_modem_that_moved_answers_the_challenge_and_then_gets_the_switch_at_its_new_address()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var first = await cloud.AddModemAsync(0x5153);
        first.SendData();
        await Eventually.TrueAsync(() => first.AcksReceived > 0, "acked at the first address");

        // Same SIM behind a new NAT binding: its counter continues, and it seals the challenge's nonce back.
        using var moved = new SimulatedModem(first.Id, first.MasterKey, cloud.Udp) { LastSequence = first.LastSequence };
        moved.SendData();
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{first.Id}"),
            j => j.GetProperty("endpoint").GetString() == moved.LocalEndPoint.ToString(), "the answer moves the binding");
        Assert.Equal(1, moved.ChallengesReceived);
        Assert.Equal(1, cloud.Metrics.PathCount(PathCheck.Moved));

        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{first.Id}/carrier-switch", new { carrier = "Verizon" });
        response.EnsureSuccessStatusCode();
        await Eventually.ValueAsync(() => cloud.GetJsonAsync(response.Headers.Location!.OriginalString), j => j.GetProperty("state").GetString() == "acked", "the switch reaches the moved modem");
        lock (moved.Commands) Assert.Single(moved.Commands);
        lock (first.Commands) Assert.Empty(first.Commands);
        // The path response is the SIM's proof, not a sensor's reading: nothing of it is telemetry.
        Assert.Equal(0, cloud.Metrics.Readings);
    }

    [Fact]
    public async Task Fresh_frames_from_a_new_address_that_never_answer_do_not_move_the_binding()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x5154);
        modem.SendData();
        await Eventually.TrueAsync(() => modem.AcksReceived > 0, "bound");
        // Holds the keys (so its frames are fresh and authentic) but never seals the nonce back:
        // the old rule (a second fresh frame moves the binding) would have moved it.
        using var silent = new SimulatedModem(modem.Id, modem.MasterKey, cloud.Udp) { LastSequence = modem.LastSequence + 10, AnswerChallenges = false };
        silent.SendData();
        await Eventually.TrueAsync(() => silent.ChallengesReceived == 1, "challenged");
        silent.SendData();
        silent.SendData();
        await Eventually.TrueAsync(() => cloud.Metrics.PathCount(PathCheck.Unproven) + cloud.Metrics.PathCount(PathCheck.Challenge) == 3, "both later frames seen");

        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" });
        response.EnsureSuccessStatusCode();
        await Eventually.ValueAsync(() => cloud.GetJsonAsync(response.Headers.Location!.OriginalString), j => j.GetProperty("state").GetString() == "acked", "the real modem gets the switch");
        lock (silent.Commands) Assert.Empty(silent.Commands);
        Assert.Equal(0, cloud.Metrics.PathCount(PathCheck.Moved));
    }

    [Fact]
    public async Task A_flood_of_replayed_frames_gets_one_challenge_and_no_more_acks_than_the_binding()
    {
        // Acks coalesce to one per second, so the bound is small and holds under load.
        await using var cloud = await CloudHarness.StartAsync(new() { ["Gateway:AckInterval"] = "00:00:01", ["Gateway:PathChallengeInterval"] = "01:00:00" });
        var modem = await cloud.AddModemAsync(0x5155);
        modem.SendData();
        await Eventually.TrueAsync(() => modem.AcksReceived > 0, "bound");
        long bindingAcksBefore = modem.AcksReceived;

        const int heldBackFrames = 5, copies = 40;
        var heldBack = Enumerable.Range(0, heldBackFrames).Select(_ => modem.Seal(FrameKind.UplinkData, [])).ToList();
        using var stranger = new Stranger(cloud.Udp);
        var flood = Stopwatch.StartNew();
        for (int copy = 0; copy < copies; copy++)
        {
            foreach (var frame in heldBack) stranger.Send(frame);
        }
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) + cloud.Metrics.DatagramCount(DatagramOutcome.Replayed) == 1 + heldBackFrames * copies, "the flood is processed");

        // Everything the flood caused is sent once two later acks reached the binding: the receive
        // loop works in order, and each ack to the stranger leaves with (just after) one to the binding.
        uint later = modem.SendData();
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(later), "the modem's next frame is acked");
        uint last = modem.SendData();
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(last), "and the one after");
        flood.Stop();

        var (challenges, acks, other) = stranger.Drain(modem);
        Assert.Equal(1, challenges);
        Assert.Equal(0, other);
        Assert.True(acks >= 1, "the stranger's frames were acked where they came from");
        Assert.True(acks <= modem.AcksReceived - bindingAcksBefore, $"{acks} acks to the stranger, {modem.AcksReceived - bindingAcksBefore} to the binding");
        Assert.True(acks <= flood.Elapsed.TotalSeconds + 1, $"{acks} acks in {flood.Elapsed}: at most one per Gateway:AckInterval");
        Assert.Equal(acks, cloud.Metrics.UnprovenAcks);
        Assert.Equal(1, cloud.Metrics.PathCount(PathCheck.Challenge));
        Assert.Equal(heldBackFrames - 1, cloud.Metrics.PathCount(PathCheck.Unproven));
    }

    /// <summary>An address without the modem's key: it can only send what it captured, and read what comes back.</summary>
    private sealed class Stranger(IPEndPoint gateway) : IDisposable
    {
        private readonly Socket _socket = Bound();

        private static Socket Bound()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return socket;
        }

        public void Send(byte[] datagram) => _socket.SendTo(datagram, gateway);

        public async Task<(ModemId Modem, byte[] Nonce)> ReceiveChallengeAsync()
        {
            var buffer = new byte[2048];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (PathChallenge.TryRead(buffer.AsSpan(0, n), out var modem, out var nonce)) return (modem, nonce);
            }
        }

        /// <summary>Reads what is queued now (nothing more arrives: see the caller), by kind.</summary>
        public (int Challenges, int Acks, int Other) Drain(SimulatedModem owner)
        {
            using var keys = new ModemKeys(owner.MasterKey, owner.Id);
            var buffer = new byte[2048];
            var payload = new byte[2048];
            int challenges = 0, acks = 0, other = 0;
            while (_socket.Available > 0)
            {
                int n = _socket.Receive(buffer);
                if (PathChallenge.TryRead(buffer.AsSpan(0, n), out _, out _)) challenges++;
                else if (SecureFrame.Open(keys, buffer.AsSpan(0, n), payload, out var header) == FrameError.None && header.Kind == FrameKind.UplinkAck) acks++;
                else other++;
            }
            return (challenges, acks, other);
        }

        public void Dispose() => _socket.Dispose();
    }
}
