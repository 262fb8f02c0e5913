using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// The gateway's modems, keyed by id, loaded from the store at start and reloaded one by one
/// on modem-changes records. The receive loop never waits on the store: an unknown id is a drop,
/// and a look-up in the store in the background (<see cref="LookUp"/>), because a gateway that
/// joined the bus after a registration was published never sees that modem-changes record.
/// </summary>
public sealed class ModemRegistry(IModemStore store, ILogger<ModemRegistry> logger) : IDisposable
{
    // An id that is not in the store is looked up again at most this often, so a flood of
    // frames with random ids cannot turn into a flood of store queries.
    private static readonly TimeSpan LookUpInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<ulong, ModemSession> _sessions = new();
    private readonly ConcurrentDictionary<ulong, long> _lookedUp = new();
    private int _legacyCount;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Loaded => _loaded.Task;

    public IEnumerable<ModemSession> Sessions => _sessions.Values;

    public bool TryGet(ModemId id, out ModemSession session) => _sessions.TryGetValue(id.Value, out session!);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var modem in await store.ListModemsAsync(cancellationToken).ConfigureAwait(false)) Put(modem);
        logger.LogInformation("Gateway knows {Count} modems", _sessions.Count);
        _loaded.TrySetResult();
    }

    /// <param name="replace">A re-keyed modem: its session starts again with the new key.</param>
    public async Task ReloadAsync(ModemId id, CancellationToken cancellationToken, bool replace = false)
    {
        var (modem, _) = await store.FindModemAsync(id, cancellationToken).ConfigureAwait(false);
        if (modem is null)
        {
            if (_sessions.TryRemove(id.Value, out var gone))
            {
                if (gone.Protocol == ModemProtocol.V1) Interlocked.Decrement(ref _legacyCount);
                gone.Dispose();
            }
            return;
        }
        // Already known: keep its live state (binding, window, sequences); take what an admin set.
        if (!replace && _sessions.TryGetValue(id.Value, out var known))
        {
            lock (known.Gate) known.DownlinkEndpoint = ModemSession.DownlinkAddress(modem);
            return;
        }
        Put(modem);
    }

    /// <summary>Starts a background look-up of an unknown modem in the store; returns at once.</summary>
    public void LookUp(ModemId id)
    {
        long now = Environment.TickCount64;
        if (_lookedUp.TryGetValue(id.Value, out long last) && now - last < (long)LookUpInterval.TotalMilliseconds) return;
        if (_lookedUp.Count > 100_000) _lookedUp.Clear();
        _lookedUp[id.Value] = now;
        _ = Task.Run(async () =>
        {
            try
            {
                await Loaded.ConfigureAwait(false);
                await ReloadAsync(id, CancellationToken.None).ConfigureAwait(false);
                if (_sessions.ContainsKey(id.Value)) logger.LogInformation("Modem {Modem} found in the store on its first frame", id);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Looking up modem {Modem} in the store failed", id);
            }
        });
    }

    /// <summary>
    /// A v1 datagram from a new endpoint: the modem registers itself (identity = endpoint), unless
    /// <paramref name="max"/> legacy modems are already held (then null).
    /// </summary>
    public ModemSession? GetOrAddLegacy(IPEndPoint endpoint, int max, out bool added)
    {
        var id = LegacyModemId.From(endpoint);
        added = false;
        if (_sessions.TryGetValue(id.Value, out var known)) return known;
        if (Interlocked.Increment(ref _legacyCount) > max)
        {
            Interlocked.Decrement(ref _legacyCount);
            return null;
        }
        bool created = false;
        var session = _sessions.GetOrAdd(id.Value, _ =>
        {
            created = true;
            return new ModemSession(new ModemRecord(id, $"legacy {endpoint}", ModemProtocol.V1, null, DateTime.UtcNow, Endpoint: endpoint.ToString()), null) { Stored = false };
        });
        if (!created) Interlocked.Decrement(ref _legacyCount);
        added = created;
        return session;
    }

    private void Put(ModemRecord modem)
    {
        var keys = modem.MasterKey is { Length: ModemKeys.KeyLength } key ? new ModemKeys(key, modem.Id) : null;
        if (modem.Protocol == ModemProtocol.V2 && keys is null)
        {
            logger.LogWarning("Modem {Modem} has no usable master key; ignored", modem.Id);
            return;
        }
        var session = new ModemSession(modem, keys);
        if (modem.Protocol == ModemProtocol.V1 && !_sessions.ContainsKey(modem.Id.Value)) Interlocked.Increment(ref _legacyCount);
        _sessions.AddOrUpdate(modem.Id.Value, session, (_, old) =>
        {
            old.Dispose();
            return session;
        });
    }

    public void Dispose()
    {
        foreach (var s in _sessions.Values) s.Dispose();
    }
}
