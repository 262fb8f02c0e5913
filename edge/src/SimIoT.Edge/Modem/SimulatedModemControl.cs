using Microsoft.Extensions.Logging;
using SimIoT.Edge.Toolkit.Terminal;

namespace SimIoT.Edge.Modem;

/// <summary>
/// The default REFRESH handling: log it and take the time a cellular module needs to detach
/// and attach again. A Pi with a real module uses <see cref="AtModemControl"/> instead (Edge:Modem:Kind = at).
/// </summary>
public sealed class SimulatedModemControl(ILogger<SimulatedModemControl> logger, TimeProvider time) : IModemControl
{
    public TimeSpan ReattachTime { get; init; } = TimeSpan.FromMilliseconds(200);

    public int Refreshes { get; private set; }

    public async Task RefreshAsync(byte qualifier, CancellationToken cancellationToken)
    {
        Refreshes++;
        logger.LogInformation("SIM asked for REFRESH {Qualifier:x2}: re-attaching to the network (simulated, {Time} ms)", qualifier, ReattachTime.TotalMilliseconds);
        await Task.Delay(ReattachTime, time, cancellationToken).ConfigureAwait(false);
    }
}
