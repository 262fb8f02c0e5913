using System.Device.I2c;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sensors.Bme280;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Sampling;

/// <summary>
/// A BME280 as the SimIoT <c>temp</c> device (centi-°C). Pressure (Pa) and humidity (%RH × 100)
/// have no device id in the default catalog; they become readings only when ids are given.
/// </summary>
public sealed class Bme280Source(string name, Func<I2cDevice> openDevice, Bme280Settings? settings = null, uint? pressureDeviceId = null, uint? humidityDeviceId = null) : ISensorSource
{
    private I2cDevice? _device;
    private Bme280? _driver;

    public string Name { get; } = name;

    public void Open()
    {
        Close();
        _device = openDevice();
        _driver = new Bme280(_device, settings);
    }

    public IReadOnlyList<Reading> Sample(DateTime timestampUtc)
    {
        var sample = (_driver ?? throw new InvalidOperationException("not open")).Read();
        var readings = new List<Reading>(3) { new(DeviceCatalog.Temperature, timestampUtc, [sample.TemperatureCentiCelsius], Name) };
        if (pressureDeviceId is uint p && sample.PressurePa is double pa) readings.Add(new Reading(p, timestampUtc, [(int)Math.Round(pa)], Name));
        if (humidityDeviceId is uint h && sample.HumidityPercent is double rh) readings.Add(new Reading(h, timestampUtc, [(int)Math.Round(rh * 100)], Name));
        return readings;
    }

    public void Verify()
    {
        if (_driver is null || !_driver.CheckIdentity()) throw new IOException($"{Name}: chip id no longer reads 0x{Bme280.ExpectedChipId:X2}");
    }

    public void Close()
    {
        _driver?.Dispose();
        _driver = null;
        _device?.Dispose();
        _device = null;
    }

    public void Dispose() => Close();
}
