using System.Device.I2c;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.PowerMode;
using UpstreamBme280 = Iot.Device.Bmxx80.Bme280;

namespace SimIoT.Edge.Sensors.Bme280;

/// <summary>
/// The BME280 through dotnet/iot's <see cref="UpstreamBme280"/> (Iot.Device.Bindings), wrapped
/// where the agent needs more: the identity check names the id it found, the settings are applied
/// in sleep mode (datasheet section 5.4.6), forced mode waits for status.measuring, and a chip that
/// lost its configuration (power cycle) is reported instead of read as a 0x80000 measurement.
/// </summary>
public sealed class Bme280Sensor : IDisposable
{
    public const byte DefaultI2cAddress = Bmx280Base.SecondaryI2cAddress;
    public const byte SecondaryI2cAddress = Bmx280Base.DefaultI2cAddress;

    /// <summary>chip_id (datasheet section 5.4.1). A BMP280 answers 0x58 here.</summary>
    public const byte ExpectedChipId = 0x60;

    private const byte ChipIdRegister = 0xD0, ControlMeasurementRegister = 0xF4;

    private readonly I2cDevice _device;
    private readonly UpstreamBme280 _driver;
    private readonly byte _oversamplingBits;

    public Bme280Sensor(I2cDevice device, Bme280Settings settings)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        byte id = ReadRegister(ChipIdRegister);
        if (id != ExpectedChipId) throw new IOException($"BME280 not found: chip id is 0x{id:X2}, expected 0x{ExpectedChipId:X2}");

        _driver = new UpstreamBme280(device);
        // config is only written reliably in sleep mode (section 5.4.6); upstream's HumiditySampling
        // setter rewrites ctrl_meas after ctrl_hum, which is what latches it (section 5.4.3).
        _driver.SetPowerMode(Bmx280PowerMode.Sleep);
        _driver.FilterMode = settings.Filter;
        _driver.StandbyTime = settings.Standby;
        _driver.TemperatureSampling = settings.Temperature;
        _driver.PressureSampling = settings.Pressure;
        _driver.HumiditySampling = settings.Humidity;
        _oversamplingBits = (byte)((byte)settings.Temperature << 5 | (byte)settings.Pressure << 2);
        if (settings.Mode == Bmx280PowerMode.Normal) _driver.SetPowerMode(Bmx280PowerMode.Normal);
    }

    public Bme280Settings Settings { get; }

    /// <summary>The upstream driver's measurement time for the configured oversampling, in ms.</summary>
    public int MeasurementDurationMs => _driver.GetMeasurementDuration();

    public bool CheckIdentity()
    {
        try
        {
            return ReadRegister(ChipIdRegister) == ExpectedChipId;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>In forced mode starts one measurement and waits for it; in normal mode reads the latest.</summary>
    public Bme280Sample Read()
    {
        // A power-cycled chip sleeps with ctrl_meas = 0 and 0x80000 in its data registers, which
        // upstream would compensate into a temperature: check the oversampling is still ours.
        if ((ReadRegister(ControlMeasurementRegister) & 0xFC) != _oversamplingBits)
        {
            throw new IOException("BME280 lost its configuration (ctrl_meas changed: reset or power cycle)");
        }

        if (Settings.Mode == Bmx280PowerMode.Forced)
        {
            _driver.SetPowerMode(Bmx280PowerMode.Forced);
            WaitWhileMeasuring();
        }

        if (!_driver.TryReadTemperature(out var temperature)) throw new IOException("BME280 temperature is skipped: configure its oversampling");
        double? pressure = _driver.TryReadPressure(out var p) ? p.Pascals : null;
        double? humidity = _driver.TryReadHumidity(out var h) ? h.Percent : null;
        return new Bme280Sample((int)Math.Round(temperature.DegreesCelsius * 100, MidpointRounding.AwayFromZero), pressure, humidity);
    }

    public bool TryRead(out Bme280Sample sample)
    {
        try
        {
            sample = Read();
            return true;
        }
        catch (IOException)
        {
            sample = default;
            return false;
        }
    }

    /// <summary>Disposes upstream's driver, which disposes the <see cref="I2cDevice"/> it was given.</summary>
    public void Dispose() => _driver.Dispose();

    private void WaitWhileMeasuring()
    {
        // Twice the measurement time before calling the chip unresponsive.
        long deadline = Environment.TickCount64 + 2 * MeasurementDurationMs + 1;
        while (_driver.ReadStatus().Measuring)
        {
            if (Environment.TickCount64 > deadline) throw new IOException("BME280 measurement did not finish in time");
            Thread.Sleep(1);
        }
    }

    private byte ReadRegister(byte register)
    {
        Span<byte> value = stackalloc byte[1];
        _device.WriteRead([register], value);
        return value[0];
    }
}
