using System.Device.I2c;

namespace SimIoT.Edge.Sensors.Bme280;

/// <summary>
/// Bosch BME280 humidity, pressure and temperature sensor over I2C, written from datasheet
/// BST-BME280-DS002. The constructor checks the chip id, soft-resets, reads the trimming
/// parameters and applies the settings; a mismatch or bus error throws <see cref="IOException"/>.
/// </summary>
public sealed class Bme280 : IDisposable
{
    /// <summary>SDO to GND (datasheet section 6.2); <see cref="SecondaryI2cAddress"/> with SDO to VDDIO.</summary>
    public const byte DefaultI2cAddress = 0x76;
    public const byte SecondaryI2cAddress = 0x77;

    /// <summary>chip_id (datasheet section 5.4.1). A BMP280 answers 0x58 here.</summary>
    public const byte ExpectedChipId = 0x60;

    private const byte ResetCommand = 0xB6;
    private const int SkippedPressureOrTemperature = 0x80000, SkippedHumidity = 0x8000;

    private readonly I2cDevice _device;
    private readonly bool _ownsDevice;
    private Bme280Settings _settings;

    public Bme280(I2cDevice device, Bme280Settings? settings = null, bool ownsDevice = false)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        _ownsDevice = ownsDevice;
        byte id = ReadRegister(Bme280Register.ID);
        if (id != ExpectedChipId)
        {
            throw new IOException($"BME280 not found: chip id is 0x{id:X2}, expected 0x{ExpectedChipId:X2}");
        }

        WriteRegister(Bme280Register.RESET, ResetCommand);
        // Start-up time after reset is 2 ms (datasheet table 1, t_startup); then the NVM copy
        // must be done (status.im_update = 0, section 5.4.4) before the trimming values are read.
        Thread.Sleep(2);
        for (int i = 0; i < 10 && (ReadRegister(Bme280Register.STATUS) & 0x01) != 0; i++) Thread.Sleep(1);

        Span<byte> block1 = stackalloc byte[26];
        Span<byte> block2 = stackalloc byte[7];
        _device.WriteRead([(byte)Bme280Register.CALIB00], block1);
        _device.WriteRead([(byte)Bme280Register.CALIB26], block2);
        Calibration = Bme280Calibration.Parse(block1, block2);
        _settings = settings ?? new Bme280Settings();
        Apply(_settings);
    }

    public Bme280Calibration Calibration { get; }

    public Bme280Settings Settings
    {
        get => _settings;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Apply(value);
            _settings = value;
        }
    }

    /// <summary>
    /// Maximum measurement time in ms, datasheet section 9.1:
    /// 1.25 + 2.3·T + (2.3·P + 0.575) + (2.3·H + 0.575), with T, P, H the oversampling counts.
    /// </summary>
    public double MaxMeasurementTimeMs
    {
        get
        {
            static int Count(Oversampling o) => o == Oversampling.Skipped ? 0 : 1 << ((int)o - 1);
            double t = 1.25 + 2.3 * Count(_settings.Temperature);
            if (_settings.Pressure != Oversampling.Skipped) t += 2.3 * Count(_settings.Pressure) + 0.575;
            if (_settings.Humidity != Oversampling.Skipped) t += 2.3 * Count(_settings.Humidity) + 0.575;
            return t;
        }
    }

    public bool CheckIdentity()
    {
        try
        {
            return ReadRegister(Bme280Register.ID) == ExpectedChipId;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// In forced mode, starts one measurement and waits for it; in normal mode reads the latest.
    /// One burst read of 0xF7..0xFE keeps the three values from the same measurement
    /// (data shadowing, datasheet section 4).
    /// </summary>
    public Bme280Sample Read()
    {
        if (_settings.Mode == Bme280Mode.Forced)
        {
            WriteRegister(Bme280Register.CTRL_MEAS, CtrlMeas(_settings));
            WaitWhileMeasuring();
        }

        Span<byte> data = stackalloc byte[8];
        _device.WriteRead([(byte)Bme280Register.PRESS_MSB], data);
        int adcP = data[0] << 12 | data[1] << 4 | data[2] >> 4;
        int adcT = data[3] << 12 | data[4] << 4 | data[5] >> 4;
        int adcH = data[6] << 8 | data[7];
        if (adcT == SkippedPressureOrTemperature)
        {
            throw new IOException("BME280 returned no temperature (0x80000): not measuring, or reset since configured");
        }

        int temperature = Calibration.CompensateTemperature(adcT, out int tFine);
        double? pressure = adcP == SkippedPressureOrTemperature ? null : Calibration.CompensatePressure(adcP, tFine) / 256.0;
        double? humidity = adcH == SkippedHumidity ? null : Calibration.CompensateHumidity(adcH, tFine) / 1024.0;
        return new Bme280Sample(temperature, pressure, humidity);
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

    public void Dispose()
    {
        if (_ownsDevice) _device.Dispose();
    }

    private void Apply(Bme280Settings settings)
    {
        // config is only written reliably in sleep mode (datasheet section 5.4.6), and
        // ctrl_hum takes effect only after a write to ctrl_meas (section 5.4.3): keep this order.
        WriteRegister(Bme280Register.CTRL_MEAS, 0x00);
        WriteRegister(Bme280Register.CONFIG, (byte)((byte)settings.Standby << 5 | (byte)settings.Filter << 2));
        WriteRegister(Bme280Register.CTRL_HUM, (byte)settings.Humidity);
        if (settings.Mode == Bme280Mode.Normal) WriteRegister(Bme280Register.CTRL_MEAS, CtrlMeas(settings));
    }

    private static byte CtrlMeas(Bme280Settings s) =>
        (byte)((byte)s.Temperature << 5 | (byte)s.Pressure << 2 | (byte)s.Mode);

    private void WaitWhileMeasuring()
    {
        // status.measuring (bit 3) is set while a conversion runs (section 5.4.4); allow twice the
        // datasheet's maximum measurement time before calling the chip unresponsive.
        var deadline = Environment.TickCount64 + (long)Math.Ceiling(2 * MaxMeasurementTimeMs) + 1;
        while ((ReadRegister(Bme280Register.STATUS) & 0x08) != 0)
        {
            if (Environment.TickCount64 > deadline) throw new IOException("BME280 measurement did not finish in time");
            Thread.Sleep(1);
        }
    }

    private byte ReadRegister(Bme280Register register)
    {
        Span<byte> value = stackalloc byte[1];
        _device.WriteRead([(byte)register], value);
        return value[0];
    }

    private void WriteRegister(Bme280Register register, byte value) => _device.Write([(byte)register, value]);
}
