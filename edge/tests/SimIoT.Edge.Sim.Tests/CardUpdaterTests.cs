using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Sim.Tests;

/// <summary>
/// A card personalised and locked to the lab (127.0.0.1), then re-pointed at the real cloud and
/// re-keyed with its administrator key, on the real applet in its JVM card host.
/// </summary>
public sealed class CardUpdaterTests : IDisposable
{
    private static readonly byte[] MasterKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] LabAdminKey = Convert.FromHexString("00112233445566778899aabbccddeeff");
    private static readonly IPEndPoint Lab = new(IPAddress.Loopback, 6001);

    private readonly string _dir = Directory.CreateTempSubdirectory("simiot-card-").FullName;
    private readonly AppletCardHost _host;
    private readonly ToolkitTerminal _terminal;
    private readonly SimCard _sim;

    public CardUpdaterTests()
    {
        _host = new AppletCardHost(Path.Combine(_dir, "card.bin"));
        _terminal = new ToolkitTerminal(_host.Channel, new NoModem(), new ToolkitTerminalOptions(), TimeProvider.System, NullLogger<ToolkitTerminal>.Instance);
        _sim = new SimCard(_terminal);
    }

    public void Dispose()
    {
        _terminal.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private Task LockToTheLabAsync(byte[]? adminKey = null) => CardProvisioner.ProvisionAsync(_sim, adminKey ?? CardProvisioner.TransportKey,
        new Provisioning(new ModemId(0x4d2), MasterKey, Lab, [Carrier.Att, Carrier.Verizon], Carrier.Att, NewAdminKey: LabAdminKey), null, CancellationToken.None);

    [Fact]
    public async Task A_locked_card_is_re_pointed_and_re_keyed_with_its_administrator_key()
    {
        await LockToTheLabAsync();
        var before = await _sim.GetStatusAsync(CancellationToken.None);
        Assert.True(before.IsLocked);
        // What provision did before: writing the modem id again, which a locked card refuses.
        var refused = await Assert.ThrowsAsync<SimCardException>(() => LockToTheLabAsync(LabAdminKey));
        Assert.Equal(0x6985, refused.StatusWord);

        var cloud = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 6001);
        var newAdmin = Convert.FromHexString("ffeeddccbbaa99887766554433221100");
        var steps = new List<string>();
        await CardUpdater.UpdateAsync(_sim, LabAdminKey, new CardUpdate(cloud, Convert.FromHexString("0f0e0d0c0b0a09080706050403020100"), newAdmin),
            new SyncProgress(steps), CancellationToken.None);

        var after = await _sim.GetStatusAsync(CancellationToken.None);
        Assert.Equal(cloud, after.Endpoint);
        Assert.Equal(new ModemId(0x4d2), after.ModemId);
        Assert.True(after.IsLocked);
        Assert.Equal(["administrator authenticated", "cloud endpoint 203.0.113.7:6001", "master key", "new administrator key"], steps);
        // The lab key no longer opens the card; the new one does (endpoint only, this time).
        var oldKey = await Assert.ThrowsAsync<SimCardException>(() => CardUpdater.UpdateAsync(_sim, LabAdminKey, new CardUpdate(Lab), null, CancellationToken.None));
        Assert.Equal(0x63C0, oldKey.StatusWord & 0xFFF0);
        await CardUpdater.UpdateAsync(_sim, newAdmin, new CardUpdate(Lab), null, CancellationToken.None);
        Assert.Equal(Lab, (await _sim.GetStatusAsync(CancellationToken.None)).Endpoint);
    }

    [Fact]
    public async Task An_update_without_the_administrator_key_changes_nothing()
    {
        await LockToTheLabAsync();
        var error = await Assert.ThrowsAsync<SimCardException>(() =>
            CardUpdater.UpdateAsync(_sim, CardProvisioner.TransportKey, new CardUpdate(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 6001)), null, CancellationToken.None));
        Assert.Equal(0x63C0, error.StatusWord & 0xFFF0);
        Assert.Equal(Lab, (await _sim.GetStatusAsync(CancellationToken.None)).Endpoint);
    }

    /// <summary>Progress reported in order, on the caller's thread (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class SyncProgress(List<string> steps) : IProgress<string>
    {
        public void Report(string value) => steps.Add(value);
    }

    private sealed class NoModem : IModemControl
    {
        public Task RefreshAsync(byte qualifier, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
