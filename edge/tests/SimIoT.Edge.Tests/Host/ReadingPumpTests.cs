using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Readings;

namespace SimIoT.Edge.Tests.Host;

public sealed class ReadingPumpTests
{
    private static Reading At(int i) => new(3, DateTime.UnixEpoch.AddYears(56).AddSeconds(i), [i], "test");

    [Fact]
    public void A_full_reading_channel_drops_the_oldest_and_counts()
    {
        var channel = new ReadingChannel(capacity: 3);
        for (int i = 0; i < 5; i++) Assert.True(channel.Writer.TryWrite(At(i)));
        Assert.Equal(2, channel.Dropped);
        var left = new List<int>();
        while (channel.Reader.TryRead(out var r)) left.Add(r.Values[0]);
        Assert.Equal([2, 3, 4], left);
    }

    [Fact]
    public async Task A_failing_sink_loses_its_batch_but_the_pump_goes_on()
    {
        var channel = new ReadingChannel();
        var sink = new FlakySink();
        var pump = new ReadingPumpService(channel, sink, Options.Create(new EdgeOptions { MaxBatch = 2 }), NullLogger<ReadingPumpService>.Instance);
        // Both readings wait before the pump starts, so its first batch holds exactly these two
        // (started first, it could take reading 0 alone and deliver reading 1 next).
        for (int i = 0; i < 2; i++) await channel.Writer.WriteAsync(At(i));
        await pump.StartAsync(CancellationToken.None);
        await sink.FirstCall.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await channel.Writer.WriteAsync(At(7));
        var delivered = await sink.Delivered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, delivered.Single().Values[0]);
        Assert.Equal(2, pump.FailedReadings);
        await pump.StopAsync(CancellationToken.None);
    }

    private sealed class FlakySink : IReadingSink
    {
        private int _calls;

        public TaskCompletionSource FirstCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<IReadOnlyList<Reading>> Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask SubmitAsync(IReadOnlyList<Reading> batch, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                FirstCall.SetResult();
                throw new IOException("card went away");
            }

            Delivered.TrySetResult(batch);
            return ValueTask.CompletedTask;
        }
    }
}
