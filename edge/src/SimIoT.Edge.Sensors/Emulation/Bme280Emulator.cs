using System.Device.I2c;
using Iot.Device.Bmxx80.PowerMode;

namespace SimIoT.Edge.Sensors.Emulation;

/// <summary>
/// Register-level BME280 with the trimming values of the datasheet's worked example (plus
/// typical humidity values). Raw ADC values come from inverting the compensation formulas for
/// an indoor climate that drifts slowly (or from <see cref="SetRawAdc"/>). Measurements happen
/// when the chip is told to (forced mode, finished at once) or continuously (normal mode).
/// </summary>
public sealed class Bme280Emulator : RegisterMapDevice
{
    /// <summary>dig_T1..dig_P9 from the Bosch worked example; dig_H1..H6 from a typical part.</summary>
    public static Bme280Calibration DatasheetCalibration { get; } = new(
        27504, 26435, -1000,
        36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000,
        75, 362, 0, 313, 50, 30);

    /// <summary>chip_id, datasheet section 5.4.1.</summary>
    public const byte ChipId = 0x60;

    private readonly Bme280Calibration _calibration;
    private readonly DateTimeOffset _epoch;
    private byte _latchedCtrlHum;
    private (int T, int P, int H)? _fixedRaw;

    public Bme280Emulator(int busId = 1, byte address = 0x76, TimeProvider? timeProvider = null, Bme280Calibration? calibration = null)
        : base(new I2cConnectionSettings(busId, address), timeProvider)
    {
        _calibration = calibration ?? DatasheetCalibration;
        _epoch = Time.GetUtcNow();
        PowerOnReset();
    }

    /// <summary>The value chip_id reads under <see cref="I2cFault.WrongId"/> (0x58: a BMP280).</summary>
    public byte WrongIdValue { get; set; } = 0x58;

    /// <summary>The climate the emulated chip measures when no raw values are fixed: °C, Pa, %RH.</summary>
    public Func<double, (double Celsius, double Pascal, double Humidity)> Climate { get; set; } =
        seconds => (21.0 + 1.5 * Math.Sin(2 * Math.PI * seconds / 600), 101325 + 40 * Math.Sin(2 * Math.PI * seconds / 900), 45 + 5 * Math.Sin(2 * Math.PI * seconds / 700));

    /// <summary>Fixes the ADC outputs (20-bit T and P, 16-bit H), e.g. to the datasheet's worked example.</summary>
    public void SetRawAdc(int adcT, int adcP, int adcH) => _fixedRaw = (adcT, adcP, adcH);

    public Bmx280PowerMode Mode => (Registers[0xF4] & 0x03) switch { 0 => Bmx280PowerMode.Sleep, 3 => Bmx280PowerMode.Normal, _ => Bmx280PowerMode.Forced };

    /// <summary>The humidity oversampling in force: ctrl_hum as latched by the last ctrl_meas write.</summary>
    public byte EffectiveCtrlHum => _latchedCtrlHum;

    protected override void PowerOnReset()
    {
        Array.Clear(Registers);
        Registers[0xD0] = ChipId;
        _calibration.WriteTo(Registers.AsSpan(0x88, 26), Registers.AsSpan(0xE1, 7));
        // Data registers reset to 0x80 0x00 0x00 (P, T) and 0x80 0x00 (H), datasheet table 18.
        Registers[0xF7] = 0x80;
        Registers[0xFA] = 0x80;
        Registers[0xFD] = 0x80;
        _latchedCtrlHum = 0;
    }

    protected override byte ReadRegister(byte register) =>
        register == 0xD0 && Fault == I2cFault.WrongId ? WrongIdValue : base.ReadRegister(register);

    protected override bool IsWritable(byte register) => register is 0xE0 or 0xF2 or 0xF4 or 0xF5;

    /// <summary>Writes come as register/data pairs (datasheet section 6.2.1), not auto-incremented.</summary>
    protected override byte WritePayload(byte register, ReadOnlySpan<byte> payload)
    {
        for (int i = 0; i < payload.Length; i++)
        {
            if (i > 0 && i % 2 == 0)
            {
                register = payload[i];
                continue;
            }

            if (!IsWritable(register)) continue;
            Registers[register] = payload[i];
            OnWrite(register, payload[i]);
        }

        return register;
    }

    protected override void OnWrite(byte register, byte value)
    {
        if (register == 0xE0 && value == 0xB6)
        {
            PowerOnReset();
            return;
        }

        if (register == 0xE0) Registers[0xE0] = 0;
        if (register == 0xF4)
        {
            // ctrl_hum reads back what was written but takes effect only now (section 5.4.3).
            _latchedCtrlHum = (byte)(Registers[0xF2] & 0x07);
            if (Mode == Bmx280PowerMode.Forced)
            {
                Measure();
                Registers[0xF4] &= 0xFC; // back to sleep after the forced measurement (section 3.3.3)
            }
        }
    }

    protected override void OnRead(byte register, int count)
    {
        if (Mode == Bmx280PowerMode.Normal && register + count > 0xF7 && register <= 0xFE) Measure();
    }

    private void Measure()
    {
        int osrsT = Registers[0xF4] >> 5, osrsP = (Registers[0xF4] >> 2) & 0x07, osrsH = _latchedCtrlHum;
        (int adcT, int adcP, int adcH) = _fixedRaw ?? Invert(Climate((Time.GetUtcNow() - _epoch).TotalSeconds));
        int t = osrsT == 0 ? 0x80000 : adcT, p = osrsP == 0 ? 0x80000 : adcP, h = osrsH == 0 ? 0x8000 : adcH;
        Registers[0xF7] = (byte)(p >> 12);
        Registers[0xF8] = (byte)(p >> 4);
        Registers[0xF9] = (byte)((p & 0x0F) << 4);
        Registers[0xFA] = (byte)(t >> 12);
        Registers[0xFB] = (byte)(t >> 4);
        Registers[0xFC] = (byte)((t & 0x0F) << 4);
        Registers[0xFD] = (byte)(h >> 8);
        Registers[0xFE] = (byte)h;
    }

    /// <summary>The formulas are monotonic in their ADC input, so a bisection finds the raw value.</summary>
    private (int T, int P, int H) Invert((double Celsius, double Pascal, double Humidity) climate)
    {
        int adcT = Bisect(0, 0xFFFFF, adc => _calibration.CompensateTemperature(adc, out _) / 100.0, climate.Celsius, increasing: true);
        _calibration.CompensateTemperature(adcT, out int tFine);
        int adcP = Bisect(0, 0xFFFFF, adc => _calibration.CompensatePressure(adc, tFine) / 256.0, climate.Pascal, increasing: false);
        int adcH = Bisect(0, 0xFFFF, adc => _calibration.CompensateHumidity(adc, tFine) / 1024.0, climate.Humidity, increasing: true);
        return (adcT, adcP, adcH);
    }

    private static int Bisect(int low, int high, Func<int, double> f, double target, bool increasing)
    {
        while (low < high)
        {
            int mid = low + (high - low) / 2;
            bool below = increasing ? f(mid) < target : f(mid) > target;
            if (below) low = mid + 1; else high = mid;
        }

        return low;
    }
}
