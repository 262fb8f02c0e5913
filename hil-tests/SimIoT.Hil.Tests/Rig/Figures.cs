using System.Globalization;
using System.Text.Json;

namespace SimIoT.Hil.Tests.Rig;

/// <summary>
/// Key figures of a scenario (latency, readings per second, ...), appended as one JSON line per
/// scenario to <c>$SIMIOT_HIL_RESULTS/figures.jsonl</c> (scripts/hil.sh sets it; otherwise
/// artifacts/hil-figures/). The summary joins them with the TRX results by scenario name.
/// </summary>
public sealed class Figures
{
    private static readonly Lock FileLock = new();
    private readonly string _scenario;
    private readonly Dictionary<string, string> _values = [];

    public Figures(string scenario) => _scenario = scenario;

    public void Add(string name, double value, string unit = "")
    {
        lock (_values) _values[name] = (Math.Round(value, 2).ToString(CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : "")).Trim();
    }

    public void Add(string name, string value)
    {
        lock (_values) _values[name] = value;
    }

    /// <summary>Writes the figures; call at the end of a passing scenario.</summary>
    public void Save()
    {
        var dir = Environment.GetEnvironmentVariable("SIMIOT_HIL_RESULTS") is { Length: > 0 } d ? d
            : Path.Combine(SimIoT.Edge.Sim.Tests.AppletCardHost.RepositoryRoot, "artifacts", "hil-figures");
        Directory.CreateDirectory(dir);
        string line;
        lock (_values) line = JsonSerializer.Serialize(new { scenario = _scenario, mode = RigMode.Short, figures = _values });
        lock (FileLock) File.AppendAllText(Path.Combine(dir, "figures.jsonl"), line + "\n");
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
