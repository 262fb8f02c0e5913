using SimIoT.Edge.Readings;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Hil.Tests.Rig;

/// <summary>
/// The rig with the agent in its own process (<see cref="RigOptions.EdgeArch"/>): the published
/// agent, a private pcscd whose vpcd reader the card host plugs into, and the readings the agent
/// logged in place of the in-process tap.
/// </summary>
public sealed partial class HilRig
{
    private PrivatePcscd? _pcscd;
    private EdgeProcess? _edge;
    private bool _stoppingEdge;
    private List<Reading>? _closedSet;

    private async Task StartPcscdAsync()
    {
        if (RigMode.HardwareCard) throw new InvalidOperationException("the out-of-process agent runs with the applet's card host only");
        _pcscd = await PrivatePcscd.StartAsync();
        VpcdPort = _pcscd.VpcdPort;
    }

    private void StartAgentProcess(List<string> args)
    {
        if (_options.EdgeArch != "arm64") throw new InvalidOperationException($"edge arch '{_options.EdgeArch}': only arm64 runs out of process");
        var agent = RigMode.Arm64Agent ?? throw new InvalidOperationException("SIMIOT_HIL_EDGE_ARM64 (the published linux-arm64 simiot-edge) is not set");
        args.AddRange(["--Edge:Card:Transport=pcsc", $"--Edge:Card:Reader={PrivatePcscd.ReaderName}"]);
        var environment = new Dictionary<string, string>
        {
            // libpcsclite (arm64) talks to the rig's pcscd (amd64) over its socket: the point of the run.
            ["PCSCLITE_CSOCK_NAME"] = _pcscd!.Socket,
            // DOTNET_EnableWriteXorExecute stays at its default (on), as on the Pi: under qemu-user the agent
            // runs with it (measured: `sensors --emulate` 4.4 s CPU with and without it), so turning it off
            // would only hide a difference.
        };
        _stoppingEdge = false;
        _edge = EdgeProcess.Start(agent, args, environment, Path.Combine(Dir, $"agent-{DateTime.UtcNow:HHmmssfff}.log"), Sampled, emulate: !RigMode.HardwareSensors);
    }

    private async Task StopAgentProcessAsync()
    {
        if (_edge is null) return;
        _stoppingEdge = true;
        await _edge.StopAsync();
        _lastEdge = _edge;
        await _edge.DisposeAsync();
        _edge = null;
    }

    private EdgeProcess? _lastEdge;

    private bool AgentProcessFailed => _edge is { } e && (e.HasExited && !_stoppingEdge || !e.Errors.IsEmpty);

    /// <summary>For failure messages: the agent's errors and the tail of its log.</summary>
    private string AgentProcessReport()
    {
        var edge = _edge ?? _lastEdge;
        if (edge is null) return "";
        var tail = File.Exists(edge.LogPath) ? File.ReadLines(edge.LogPath).TakeLast(15) : [];
        return $"; agent process errors: [{string.Join(" | ", edge.Errors)}]; last log lines: {string.Join(" | ", tail)}";
    }

    /// <summary>Readings of a sensor's first device the agent logged as handed to the card.</summary>
    private long SamplesLogged(string sensor)
    {
        uint device = sensor == "mpu6050" ? DeviceCatalog.Imu : DeviceCatalog.Temperature;
        return Sampled.Count(r => r.DeviceId == device);
    }

    /// <summary>
    /// The process keeps sampling, so the closed set is what it logged up to now: per device, every reading up
    /// to the last one logged (a device's readings reach the pump in time order), compared with the store's
    /// readings up to that instant (<see cref="ClosedPart"/>).
    /// </summary>
    private void CloseSampledSet() => _closedSet = [.. Sampled];

    private List<(string Timestamp, int[] Values)> ClosedPart(uint deviceId, List<(string Timestamp, int[] Values)> stored)
    {
        if (_closedSet is null) return stored;
        var last = _closedSet.Where(r => r.DeviceId == deviceId).Select(r => r.TimestampUtc).DefaultIfEmpty(DateTime.MinValue).Max();
        return stored.Where(s => IsoTimestamp.TryParse(s.Timestamp, out var at) && at <= last).ToList();
    }
}
