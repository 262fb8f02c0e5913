using System.Device.I2c;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sensors.Bme280;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Sampling;

/// <summary>
/// A BME280 as the SimIoT <c>temp</c> device (centi-°C), and when ids are given (SensorOptions
/// Pressure and Humidity: <see cref="DeviceCatalog.Pressure"/>, <see cref="DeviceCatalog.Humidity"/>)
/// pressure (Pa) and humidity (%RH × 100) as devices of their own, from the same measurement.
/// </summary>
public sealed class Bme280Source(string name, Func<I2cDevice> openDevice, Bme280Settings settings, uint? pressureDeviceId = null, uint? humidityDeviceId = null)
    : I2cSensorSource<Bme280Sensor>(name, openDevice)
{
    protected override Bme280Sensor CreateDriver(I2cDevice device) => new(device, settings);

    protected override bool HasIdentity(Bme280Sensor driver) => driver.CheckIdentity();

    protected override string IdentityExpected => $"chip id no longer reads 0x{Bme280Sensor.ExpectedChipId:X2}";

    public override IReadOnlyList<Reading> Sample(DateTime timestampUtc)
    {
        var sample = Driver.Read();
        var readings = new List<Reading>(3) { new(DeviceCatalog.Temperature, timestampUtc, [sample.TemperatureCentiCelsius], Name) };
        if (pressureDeviceId is uint p && sample.PressurePa is double pa) readings.Add(new Reading(p, timestampUtc, [(int)Math.Round(pa)], Name));
        if (humidityDeviceId is uint h && sample.HumidityPercent is double rh) readings.Add(new Reading(h, timestampUtc, [(int)Math.Round(rh * 100)], Name));
        return readings;
    }
}
