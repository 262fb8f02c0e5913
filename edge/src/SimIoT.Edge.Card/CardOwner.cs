using System.Collections.Concurrent;

namespace SimIoT.Edge.Card;

/// <summary>
/// The one thread that talks to the card. Card access is blocking (PC/SC transmits, and
/// <see cref="Pcsc.PcscTransport"/> waits up to its CardWaitTimeout for a card to come back),
/// so it happens here, on a dedicated thread fed by a queue of requests, and never on a
/// thread-pool thread: callers await <see cref="TransmitAsync"/>. Requests run one at a time
/// in the order they were queued, so the card is never touched concurrently.
/// </summary>
public sealed class CardOwner : IAsyncDisposable
{
    private readonly ICardChannel _channel;
    private readonly BlockingCollection<Request> _requests = [];
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private long _session;
    private int _disposed;

    public CardOwner(ICardChannel channel, string name = "card owner")
    {
        _channel = channel ?? throw new ArgumentNullException(nameof(channel));
        _session = channel.Session;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>The card's session as of the last request the owner carried out (see <see cref="ICardChannel.Session"/>).</summary>
    public long Session => Interlocked.Read(ref _session);

    /// <summary>The owner thread's managed id: the only thread that calls the channel.</summary>
    public int ThreadId => _thread.ManagedThreadId;

    /// <summary>
    /// Queues one command APDU and completes with the card's complete response (or its exception)
    /// on a pool thread, never on the owner thread. A request cancelled before its turn is skipped;
    /// one already at the card runs to its end, as an APDU cannot be taken back.
    /// </summary>
    public Task<byte[]> TransmitAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken)
    {
        byte[] command = apdu.ToArray();
        return Enqueue(channel => channel.Transmit(command), cancellationToken);
    }

    /// <summary>
    /// Begins an exchange on the owner thread (<see cref="ICardChannel.BeginExchange"/>: over PC/SC, a
    /// transaction that keeps other clients' APDUs out); disposing the result ends it there.
    /// </summary>
    public async Task<IAsyncDisposable> BeginExchangeAsync(CancellationToken cancellationToken)
    {
        IDisposable? exchange = null;
        await Enqueue(channel =>
        {
            exchange = channel.BeginExchange();
            return [];
        }, cancellationToken).ConfigureAwait(false);
        return new Exchange(this, exchange);
    }

    private Task<byte[]> Enqueue(Func<ICardChannel, byte[]> work, CancellationToken cancellationToken)
    {
        var request = new Request(work, new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        try
        {
            _requests.Add(request, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(CardOwner), "the card owner has stopped");
        }

        return request.Result.Task;
    }

    /// <summary>Lets the queued requests finish, then ends the thread; awaits it without blocking.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _requests.CompleteAdding();
        await _stopped.Task.ConfigureAwait(false);
        _requests.Dispose();
    }

    private void Run()
    {
        foreach (var request in _requests.GetConsumingEnumerable())
        {
            if (request.CancellationToken.IsCancellationRequested)
            {
                request.Result.TrySetCanceled(request.CancellationToken);
                continue;
            }

            // The session is published before the caller is released, so a caller that reads
            // Session after its request (failed or not) sees the card as that request left it.
            byte[]? response = null;
            Exception? failure = null;
            try
            {
                response = request.Work(_channel);
            }
            catch (Exception e)
            {
                failure = e;
            }

            Interlocked.Exchange(ref _session, _channel.Session);
            if (failure is null) request.Result.TrySetResult(response!);
            else request.Result.TrySetException(failure);
        }

        _stopped.TrySetResult();
    }

    private sealed record Request(Func<ICardChannel, byte[]> Work, TaskCompletionSource<byte[]> Result, CancellationToken CancellationToken);

    private sealed class Exchange(CardOwner owner, IDisposable? exchange) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (exchange is null) return;
            try
            {
                await owner.Enqueue(_ =>
                {
                    exchange.Dispose();
                    return [];
                }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The owner stopped mid-exchange: closing the channel ends the exchange.
            }
        }
    }
}
