using SimIoT.Firmware.Timing;

namespace SimIoT.Firmware.Sensors;

/// <summary>
/// The BME280 temperature read a node needs (datasheet rev 1.6): chip id 0x60, soft reset, the
/// dig_T trimming words, a forced measurement with 1x temperature oversampling (pressure and
/// humidity skipped) and the datasheet's 32-bit integer compensation, in centi-°C.
/// </summary>
public sealed class Bme280
{
    public const byte DefaultAddress = 0x76;
    private const byte Id = 0xD0, Reset = 0xE0, CtrlHum = 0xF2, Status = 0xF3, CtrlMeas = 0xF4, ConfigRegister = 0xF5, Calib00 = 0x88, TempMsb = 0xFA;
    private const byte ForcedTemperatureOnly = 0x01 << 5 | 0x01; // osrs_t = 1x, osrs_p = skipped, mode = forced
    private const int Skipped = 0x80000;

    private readonly ChipRegisters _registers;
    private readonly ISleeper _sleeper;
    private readonly byte[] _data = new byte[3];
    private int _t1, _t2, _t3;

    public Bme280(II2cDevice device, ISleeper sleeper)
    {
        _registers = new ChipRegisters(device);
        _sleeper = sleeper;
    }

    public void Open()
    {
        byte id = _registers.Read(Id);
        if (id != 0x60) throw new SensorException("BME280 not found: chip id is " + id + ", expected 96 (0x60)");
        _registers.Write(Reset, 0xB6);
        _sleeper.Sleep(2); // t_startup (table 1)
        for (int i = 0; i < 10 && (_registers.Read(Status) & 0x01) != 0; i++) _sleeper.Sleep(1); // im_update: NVM copy running

        var calibration = new byte[6];
        _registers.ReadBlock(Calib00, calibration);
        _t1 = calibration[0] | calibration[1] << 8; // dig_T1, unsigned little-endian (table 16)
        _t2 = (short)(calibration[2] | calibration[3] << 8);
        _t3 = (short)(calibration[4] | calibration[5] << 8);
        _registers.Write(CtrlMeas, 0x00); // sleep mode while configuring (5.4.6)
        _registers.Write(ConfigRegister, 0x00);
        _registers.Write(CtrlHum, 0x00);
    }

    public int ReadTemperatureCentiCelsius()
    {
        _registers.Write(CtrlMeas, ForcedTemperatureOnly);
        // status.measuring (bit 3); 1x temperature takes at most 3.55 ms (appendix 9.1).
        for (int i = 0; (_registers.Read(Status) & 0x08) != 0; i++)
        {
            if (i == 10) throw new SensorException("BME280 measurement did not finish in 10 ms");
            _sleeper.Sleep(1);
        }

        _registers.ReadBlock(TempMsb, _data);
        int adcT = _data[0] << 12 | _data[1] << 4 | _data[2] >> 4;
        if (adcT == Skipped) throw new SensorException("BME280 returned no temperature (0x80000): reset since configured?");
        return CompensateTemperature(adcT, _t1, _t2, _t3);
    }

    /// <summary>bme280_compensate_T_int32 of the datasheet (section 4.2.3); 0.01 °C.</summary>
    internal static int CompensateTemperature(int adcT, int t1, int t2, int t3)
    {
        int var1 = (((adcT >> 3) - (t1 << 1)) * t2) >> 11;
        int var2 = (((((adcT >> 4) - t1) * ((adcT >> 4) - t1)) >> 12) * t3) >> 14;
        int tFine = var1 + var2;
        return (tFine * 5 + 128) >> 8;
    }
}
