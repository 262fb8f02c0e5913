using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Tests.Bus;

public class InProcessEventBusTests
{
    [Fact]
    public async Task An_inline_handler_has_the_record_before_publish_returns_and_an_idle_one_is_not_queued_anything()
    {
        var inline = new RecordingHandler { Inline = true };
        var idle = new RecordingHandler { Idle = true };
        using var metrics = new CloudMetrics();
        using var services = new ServiceCollection()
            .AddSingleton<IBusHandler>(inline)
            .AddSingleton<IBusHandler>(idle)
            .BuildServiceProvider();
        var bus = new InProcessEventBus(services, metrics, NullLogger<InProcessEventBus>.Instance);

        // Not started: no dispatcher runs, so only an inline call can have delivered it.
        bus.Publish("temp", "modem-1", "{}"u8.ToArray());
        Assert.Equal(["modem-1"], inline.Keys);
        Assert.Equal(Environment.CurrentManagedThreadId, inline.Threads.Single());

        // The idle handler's queue stayed empty: once started (and no longer idle) it gets only what follows.
        idle.Idle = false;
        await bus.StartAsync(CancellationToken.None);
        bus.Publish("temp", "modem-2", "{}"u8.ToArray());
        await bus.StopAsync(CancellationToken.None);
        Assert.Equal(["modem-2"], idle.Keys);
        Assert.Equal(["modem-1", "modem-2"], inline.Keys);
    }

    private sealed class RecordingHandler : IBusHandler
    {
        private readonly List<string> _keys = [];
        public string Name => "recording";
        public IReadOnlyList<string> Topics => ["temp"];
        public bool Broadcast => true;
        public bool Inline { get; init; }
        public bool Idle { get; set; }
        public List<int> Threads { get; } = [];

        public List<string> Keys
        {
            get { lock (_keys) return [.. _keys]; }
        }

        public ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken)
        {
            lock (_keys)
            {
                _keys.Add(message.Key);
                Threads.Add(Environment.CurrentManagedThreadId);
            }
            return ValueTask.CompletedTask;
        }
    }
}
