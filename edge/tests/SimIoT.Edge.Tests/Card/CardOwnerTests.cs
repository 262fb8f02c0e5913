using SimIoT.Edge.Card;

namespace SimIoT.Edge.Tests.Card;

/// <summary>The card owner: one dedicated thread touches the card, callers await without blocking.</summary>
public sealed class CardOwnerTests
{
    [Fact]
    public async Task Concurrent_callers_reach_the_card_one_at_a_time_and_only_from_the_owner_thread()
    {
        var card = new WatchingChannel(TimeSpan.FromMilliseconds(2));
        await using var owner = new CardOwner(card);
        var calls = Enumerable.Range(0, 40).Select(i => Task.Run(() => owner.TransmitAsync(new byte[] { 0x80, 0x10, 0, (byte)i }, CancellationToken.None))).ToArray();
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (byte)i), responses.Select(r => r[0]));
        Assert.Equal(40, card.Calls);
        Assert.Equal(1, card.MaxConcurrent);
        Assert.Equal([owner.ThreadId], card.Threads);
    }

    [Fact]
    public async Task Callers_resume_off_the_owner_thread_and_a_slow_card_blocks_no_pool_thread()
    {
        var card = new WatchingChannel(TimeSpan.FromMilliseconds(300));
        await using var owner = new CardOwner(card);
        var slow = owner.TransmitAsync(new byte[] { 0x80, 0x10, 0, 1 }, CancellationToken.None);
        // While the card takes its time the caller's thread is free: this returned at once.
        Assert.False(slow.IsCompleted);
        await slow;
        Assert.NotEqual(owner.ThreadId, Environment.CurrentManagedThreadId);
    }

    [Fact]
    public async Task A_request_cancelled_before_its_turn_never_reaches_the_card()
    {
        var card = new WatchingChannel(TimeSpan.FromMilliseconds(200));
        await using var owner = new CardOwner(card);
        var first = owner.TransmitAsync(new byte[] { 0x80, 0x10, 0, 1 }, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var second = owner.TransmitAsync(new byte[] { 0x80, 0x10, 0, 2 }, cancel.Token);
        await cancel.CancelAsync();
        await first;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        Assert.Equal(1, card.Calls);
    }

    [Fact]
    public async Task Card_errors_reach_the_caller_and_the_session_is_read_without_touching_the_card()
    {
        var card = new WatchingChannel(TimeSpan.Zero) { Fail = true };
        await using var owner = new CardOwner(card);
        await Assert.ThrowsAsync<CardRemovedException>(() => owner.TransmitAsync(new byte[] { 0x80, 0x10, 0, 1 }, CancellationToken.None));
        Assert.Equal(7, owner.Session); // the channel reconnected during the failed call
        await owner.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => owner.TransmitAsync(new byte[] { 0x80, 0x10, 0, 1 }, CancellationToken.None));
    }

    [Fact]
    public async Task An_exchange_begins_and_ends_on_the_owner_thread_around_its_commands()
    {
        var card = new WatchingChannel(TimeSpan.Zero);
        await using var owner = new CardOwner(card);
        await using (await owner.BeginExchangeAsync(CancellationToken.None))
        {
            await owner.TransmitAsync(new byte[] { 0x80, 0x10, 0, 1 }, CancellationToken.None);
        }

        await owner.TransmitAsync(new byte[] { 0x80, 0x10, 0, 2 }, CancellationToken.None);
        Assert.Equal(["begin", "01", "end", "02"], card.Log);
        Assert.Equal([owner.ThreadId], card.Threads);
    }

    private sealed class WatchingChannel(TimeSpan delay) : ICardChannel
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

        public IDisposable? BeginExchange()
        {
            lock (_threads) _threads.Add(Environment.CurrentManagedThreadId);
            Log.Enqueue("begin");
            return new Ending(this);
        }

        private int _inside;
        private int _calls;
        private int _maxConcurrent;
        private readonly HashSet<int> _threads = [];

        public bool Fail { get; init; }

        public int Calls => Volatile.Read(ref _calls);

        public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

        public int[] Threads
        {
            get
            {
                lock (_threads) return [.. _threads];
            }
        }

        public ReadOnlyMemory<byte> Atr => new byte[] { 0x3B, 0x00 };

        public long Session { get; private set; }

        public byte[] Transmit(ReadOnlySpan<byte> apdu)
        {
            int inside = Interlocked.Increment(ref _inside);
            InterlockedMax(ref _maxConcurrent, inside);
            Interlocked.Increment(ref _calls);
            lock (_threads) _threads.Add(Environment.CurrentManagedThreadId);
            try
            {
                if (delay > TimeSpan.Zero) Thread.Sleep(delay);
                if (Fail)
                {
                    Session = 7;
                    throw new CardRemovedException("card pulled");
                }

                Log.Enqueue(apdu[3].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                return [apdu[3], 0x90, 0x00];
            }
            finally
            {
                Interlocked.Decrement(ref _inside);
            }
        }

        public void Dispose()
        {
        }

        private sealed class Ending(WatchingChannel channel) : IDisposable
        {
            public void Dispose()
            {
                lock (channel._threads) channel._threads.Add(Environment.CurrentManagedThreadId);
                channel.Log.Enqueue("end");
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
