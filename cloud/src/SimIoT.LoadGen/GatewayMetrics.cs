using System.Globalization;

namespace SimIoT.LoadGen;

/// <summary>Reads the gateway's own counters from its Prometheus page, to judge a run by what the gateway saw.</summary>
public static class GatewayMetrics
{
    /// <summary><c>simiot_gateway_datagrams_total{outcome="accepted"}</c>, or 0 while the cloud does not answer.</summary>
    public static async Task<long> AcceptedAsync(HttpClient http) => await TryAcceptedAsync(http).ConfigureAwait(false) ?? 0;

    /// <summary>The accepted count, or null while the cloud does not answer (not a reading of zero).</summary>
    public static async Task<long?> TryAcceptedAsync(HttpClient http)
    {
        try
        {
            var text = await http.GetStringAsync("/metrics").ConfigureAwait(false);
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("simiot_gateway_datagrams_total{outcome=\"accepted\"}", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
