using System.IO.Ports;
using System.Text;

namespace SimIoT.Edge.Modem;

/// <summary>
/// One AT command at a time on a serial port (3GPP TS 27.007 / ITU-T V.250): the command goes
/// out terminated by CR, and the lines that come back are collected up to the final result code.
/// The module's echo and blank lines are skipped; anything else before the final code is the
/// information response (for example "+CEREG: 0,1") or an unsolicited code, returned as is.
/// </summary>
public sealed class AtCommandPort : IDisposable
{
    private readonly SerialPort _port;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public AtCommandPort(string portName, int baudRate)
    {
        _port = new SerialPort(portName, baudRate) { NewLine = "\n", Encoding = Encoding.ASCII, Handshake = Handshake.None };
        _port.Open();
    }

    public string PortName => _port.PortName;

    /// <summary>Sends the command; returns the information lines when it ends in OK.</summary>
    /// <exception cref="ModemCommandException">ERROR, +CME ERROR, +CMS ERROR, or no final result code in time.</exception>
    public async Task<IReadOnlyList<string>> SendAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Reads block, so they run off the caller's thread; the timeout bounds each read.
            return await Task.Run(() => Exchange(command, timeout, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private List<string> Exchange(string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _port.DiscardInBuffer(); // unsolicited codes from before belong to no command
        _port.Write(command + "\r");
        var deadline = DateTime.UtcNow + timeout;
        var lines = new List<string>();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new ModemCommandException(command, $"no answer within {timeout.TotalSeconds:0.#} s");
            string line;
            try
            {
                _port.ReadTimeout = (int)Math.Min(left.TotalMilliseconds, 500) + 1;
                line = _port.ReadLine().Trim();
            }
            catch (TimeoutException)
            {
                continue;
            }
            if (line.Length == 0 || line == command) continue;
            if (line == "OK") return lines;
            if (line == "ERROR" || line.StartsWith("+CME ERROR", StringComparison.Ordinal) || line.StartsWith("+CMS ERROR", StringComparison.Ordinal) || line == "NO CARRIER")
                throw new ModemCommandException(command, line);
            lines.Add(line);
        }
    }

    public void Dispose()
    {
        _port.Dispose();
        _gate.Dispose();
    }
}
