using System.Device.I2c;
using SimIoT.Edge.Readings;

namespace SimIoT.Edge.Sampling;

/// <summary>
/// What every I2C chip source shares: opening the bus device and the driver on it, checking the
/// chip's identity, closing both. A subclass says how to make its driver and what it samples.
/// </summary>
public abstract class I2cSensorSource<TDriver>(string name, Func<I2cDevice> openDevice) : ISensorSource
    where TDriver : class, IDisposable
{
    private I2cDevice? _device;
    private TDriver? _driver;

    public string Name { get; } = name;

    protected TDriver Driver => _driver ?? throw new InvalidOperationException("not open");

    protected abstract TDriver CreateDriver(I2cDevice device);

    /// <summary>True when the chip still answers with its identity (WHO_AM_I, chip id).</summary>
    protected abstract bool HasIdentity(TDriver driver);

    /// <summary>Says what was expected when <see cref="HasIdentity"/> fails.</summary>
    protected abstract string IdentityExpected { get; }

    public void Open()
    {
        Close();
        _device = openDevice();
        _driver = CreateDriver(_device);
    }

    public abstract IReadOnlyList<Reading> Sample(DateTime timestampUtc);

    public void Verify()
    {
        if (_driver is null || !HasIdentity(_driver)) throw new IOException($"{Name}: {IdentityExpected}");
    }

    public void Close()
    {
        _driver?.Dispose();
        _driver = null;
        _device?.Dispose();
        _device = null;
    }

    public void Dispose()
    {
        Close();
        GC.SuppressFinalize(this);
    }
}
