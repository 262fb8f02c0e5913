using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>
/// One cloud with a large fleet registered through the store directly (the API would take minutes),
/// shared by the tests of a class. 20,000 modems by default; SIMIOT_FLEET_MODEMS sets another size
/// (the 100,000-modem measurement in docs/performance.md).
/// </summary>
public sealed class LargeFleet : IAsyncLifetime
{
    public const ulong FirstId = 0x10_0000;

    public static int Size { get; } = int.TryParse(Environment.GetEnvironmentVariable("SIMIOT_FLEET_MODEMS"), out int n) && n > 0 ? n : 20_000;

    public CloudHarness Cloud { get; private set; } = null!;

    /// <summary>How long registering the fleet took (reported beside the figures).</summary>
    public TimeSpan RegistrationTime { get; private set; }

    public static string IdOf(int i) => new ModemId(FirstId + (ulong)i).ToString();

    public async Task InitializeAsync()
    {
        Cloud = await CloudHarness.StartAsync();
        var store = Cloud.App.Services.GetRequiredService<IModemStore>();
        var started = DateTime.UtcNow;
        var key = new byte[16];
        for (int i = 0; i < Size; i++)
        {
            Random.Shared.NextBytes(key);
            Assert.True(await store.AddModemAsync(new ModemRecord(new ModemId(FirstId + (ulong)i), $"fleet-{i:D6}", ModemProtocol.V2, key, started), CancellationToken.None));
        }
        RegistrationTime = DateTime.UtcNow - started;
    }

    public async Task DisposeAsync() => await Cloud.DisposeAsync();
}
