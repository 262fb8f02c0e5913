using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;

namespace SimIoT.Cloud.Tests.Metrics;

/// <summary>/metrics is OpenTelemetry's Prometheus exporter over the cloud's System.Diagnostics.Metrics instruments.</summary>
public sealed class MetricsExportTests
{
    [Fact]
    public async Task The_instruments_are_standard_meters_and_each_cloud_exports_only_its_own()
    {
        await using var busy = await CloudHarness.StartAsync();
        await using var idle = await CloudHarness.StartAsync();
        var modem = await busy.AddModemAsync(0x3e7);
        uint sent = modem.SendReading(3, DateTime.UtcNow, 2100);
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(sent), "the frame is acked");

        // Any MeterListener (dotnet-counters, OpenTelemetry) reads the same instrument.
        long accepted = 0;
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == busy.Metrics.Meter && instrument.Name == "simiot_gateway_datagrams_total") l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag is { Key: "outcome", Value: "accepted" }) accepted = value;
            });
            listener.Start();
            listener.RecordObservableInstruments();
        }
        Assert.Equal(1, accepted);

        Assert.Equal(1, await GatewayMetrics.AcceptedAsync(busy.Http));
        // Both clouds live in this process with a meter each: the idle one exports none of the busy one's counts.
        Assert.Equal(0, await GatewayMetrics.AcceptedAsync(idle.Http));
        // The readiness state is a metric too (set by the health check publisher every 2 s).
        var text = await Eventually.ValueAsync(() => idle.Http.GetStringAsync("/metrics"), t => Regex.IsMatch(t, @"(?m)^simiot_ready(\{\})? 1$"), "simiot_ready is 1");
        Assert.Matches(@"(?m)^# TYPE simiot_gateway_shed_total counter$", text);
        Assert.DoesNotMatch("otel_scope_name|target_info", text);
    }

    [Fact]
    public async Task Every_series_the_dashboards_operations_row_queries_is_exported()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x3e8);
        uint sent = modem.SendReading(3, DateTime.UtcNow, 2100); // the bus latency histogram has a sample
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(sent), "the frame is acked");
        var exported = Regex.Matches(await cloud.Http.GetStringAsync("/metrics"), @"(?m)^(simiot_\w+)").Select(m => m.Groups[1].Value).ToHashSet();

        using var dashboard = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "grafana", "simiot.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Where(t => t.TryGetProperty("expr", out _))
            .SelectMany(t => Regex.Matches(t.GetProperty("expr").GetString()!, @"simiot_\w+").Select(m => m.Value))
            .ToHashSet();
        Assert.True(queried.Count >= 6, $"the operations row queries {queried.Count} series");
        Assert.All(queried, series => Assert.Contains(series, exported));
    }
}
