using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Toolkit.Terminal;

namespace SimIoT.Edge.Modem;

/// <summary>
/// REFRESH on a Raspberry Pi with a cellular module: the configured AT commands (by default the
/// radio off and on), then the registration query polled until the module is registered again,
/// now with the carrier the SIM switched to. A failure makes the terminal answer the REFRESH
/// with "terminal currently unable", so the card knows the re-attach did not happen.
/// </summary>
public sealed class AtModemControl : IModemControl, IDisposable
{
    private readonly ModemOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AtModemControl> _log;
    private readonly Lazy<AtCommandPort> _port;

    public AtModemControl(IOptions<EdgeOptions> edge, TimeProvider time, ILogger<AtModemControl> log)
    {
        _options = edge.Value.Modem;
        _time = time;
        _log = log;
        var portName = string.IsNullOrWhiteSpace(_options.SerialPort)
            ? throw new InvalidOperationException("Edge:Modem:SerialPort is required when Edge:Modem:Kind is 'at' (for example /dev/ttyUSB2)")
            : _options.SerialPort;
        // Opened at the first REFRESH: a module that enumerates late does not stop the agent.
        _port = new Lazy<AtCommandPort>(() => new AtCommandPort(portName, _options.BaudRate));
    }

    public int Refreshes { get; private set; }

    public async Task RefreshAsync(byte qualifier, CancellationToken cancellationToken)
    {
        Refreshes++;
        var port = _port.Value;
        _log.LogInformation("SIM asked for REFRESH {Qualifier:x2}: re-attaching through {Port}", qualifier, port.PortName);
        foreach (var command in _options.EffectiveRefreshCommands)
            await port.SendAsync(command, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(_options.RegistrationQuery)) return;

        long started = _time.GetTimestamp();
        string last = "no answer";
        while (_time.GetElapsedTime(started) < _options.AttachTimeout)
        {
            var lines = await port.SendAsync(_options.RegistrationQuery, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (RegistrationStatus.Find(_options.RegistrationQuery, lines) is { } status)
            {
                last = status.ToString();
                if (RegistrationStatus.IsRegistered(status))
                {
                    _log.LogInformation("Module registered again (status {Status}) after {Seconds:0.0} s", status, _time.GetElapsedTime(started).TotalSeconds);
                    return;
                }
            }
            await Task.Delay(_options.RegistrationPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
        throw new ModemCommandException(_options.RegistrationQuery, $"not registered within {_options.AttachTimeout.TotalSeconds:0} s (last status {last})");
    }

    public void Dispose()
    {
        if (_port.IsValueCreated) _port.Value.Dispose();
    }
}
