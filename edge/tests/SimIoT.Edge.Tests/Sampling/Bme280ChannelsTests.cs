using Microsoft.Extensions.Time.Testing;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Sampling;
using SimIoT.Edge.Sensors.Bme280;
using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Tests.Sampling;

/// <summary>
/// The BME280's pressure and humidity are devices of their own (4 pressure in Pa, 5 humidity in
/// %RH × 100, in the catalog so the cloud names their topics), each switched on or off in the sensor's options.
/// </summary>
public class Bme280ChannelsTests
{
    [Fact]
    public void Pressure_and_humidity_are_readings_of_their_own_devices_from_the_same_measurement()
    {
        var chip = new Bme280Emulator(timeProvider: new FakeTimeProvider()) { Climate = _ => (21.5, 100000, 40) };
        using var source = new Bme280Source("bme", () => chip, new Bme280Settings(), DeviceCatalog.Pressure, DeviceCatalog.Humidity);
        source.Open();
        var at = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

        var readings = source.Sample(at);

        Assert.Equal([3u, 4u, 5u], readings.Select(r => r.DeviceId));
        Assert.Equal(2150, readings[0].Values.Single());
        Assert.InRange(readings[1].Values.Single(), 99_998, 100_002); // the chip's compensation rounds
        Assert.InRange(readings[2].Values.Single(), 3_998, 4_002);
        Assert.All(readings, r => Assert.Equal(at, r.TimestampUtc));
        Assert.Equal(["temp", "pressure", "humidity"], readings.Select(r => DeviceCatalog.Default.Resolve(r.DeviceId).Nickname));
    }

    [Theory]
    [InlineData(false, false, new uint[] { 3 })]
    [InlineData(true, false, new uint[] { 3, 4 })]
    [InlineData(false, true, new uint[] { 3, 5 })]
    [InlineData(true, true, new uint[] { 3, 4, 5 })]
    public void The_sensor_options_switch_each_channel_on_or_off(bool pressure, bool humidity, uint[] devices)
    {
        var sources = SensorSources.Create([new SensorOptions { Name = "bme280", Chip = "bme280", Pressure = pressure, Humidity = humidity }], emulate: true, new FakeTimeProvider());
        using var source = (Bme280Source)sources.Single().Source;
        source.Open();
        Assert.Equal(devices, source.Sample(DateTime.UtcNow).Select(r => r.DeviceId));
    }
}
