using System.Globalization;

namespace SimIoT.LoadGen;

/// <summary>Reads the gateway's own counters from its Prometheus page, to judge a run by what the gateway saw.</summary>
public static class GatewayMetrics
{
    private const string Accepted = "simiot_gateway_datagrams_total{outcome=\"accepted\"}";

    /// <summary><c>simiot_gateway_datagrams_total{outcome="accepted"}</c>, or 0 while the cloud does not answer.</summary>
    public static async Task<long> AcceptedAsync(HttpClient http) => await TryAcceptedAsync(http).ConfigureAwait(false) ?? 0;

    /// <summary>The accepted count, or null while the cloud does not answer (not a reading of zero).</summary>
    public static async Task<long?> TryAcceptedAsync(HttpClient http)
    {
        try
        {
            return Sum(await http.GetStringAsync("/metrics").ConfigureAwait(false), Accepted);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Datagrams accepted, readings made durable and datagrams shed (every reason) so far.</summary>
    public static async Task<IngestCounts> IngestAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics").ConfigureAwait(false);
        return new IngestCounts(Sum(text, Accepted), Sum(text, "simiot_store_written_total"), Sum(text, "simiot_gateway_shed_total"));
    }

    /// <summary>The sum of every series whose line starts with <paramref name="series"/> (a name, or a name and labels).</summary>
    private static long Sum(string text, string series)
    {
        long sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(series, StringComparison.Ordinal)) continue;
            var rest = line.AsSpan(series.Length);
            // The name alone must end there: a label set or the value follows, not a longer name.
            if (rest.Length == 0 || (rest[0] != ' ' && rest[0] != '{')) continue;
            sum += long.Parse(line.AsSpan(line.LastIndexOf(' ') + 1), CultureInfo.InvariantCulture);
        }
        return sum;
    }
}
