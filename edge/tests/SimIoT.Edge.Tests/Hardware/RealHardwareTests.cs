using System.Device.I2c;
using System.Globalization;
using SimIoT.Edge.Card;
using SimIoT.Edge.Card.Pcsc;
using SimIoT.Edge.Sensors.Bme280;
using SimIoT.Edge.Sensors.Mpu6050;

namespace SimIoT.Edge.Tests.Hardware;

/// <summary>
/// The same drivers on real chips and a real reader. SIMIOT_I2C_BUS=1 on a Raspberry Pi with an
/// MPU-6050 at 0x68 and a BME280 at 0x76 (wiring in edge/README.md), lying still on a table;
/// SIMIOT_PCSC_READER=name-substring with a card in that reader.
/// </summary>
[Trait("hardware", "true")]
public sealed class RealHardwareTests
{
    private static int Bus => int.Parse(Environment.GetEnvironmentVariable("SIMIOT_I2C_BUS")!, CultureInfo.InvariantCulture);

    [HardwareFact("SIMIOT_I2C_BUS")]
    public void Mpu6050_at_rest_measures_one_g_and_little_rotation()
    {
        using var mpu = new Mpu6050Sensor(I2cDevice.Create(new I2cConnectionSettings(Bus, Mpu6050Sensor.DefaultI2cAddress)), new Mpu6050Settings { SampleRateHz = 10 });
        Thread.Sleep(100); // gyro start-up, 30 ms (PS table 6.1), and a few samples at 100 Hz
        var s = mpu.Read();
        int[] a = s.AccelerationMilliG();
        double g = Math.Sqrt(a.Sum(v => (double)v * v));
        Assert.InRange(g, 900, 1100);
        Assert.All(s.AngularRateMilliDps(), r => Assert.InRange(r, -20_000, 20_000));
        Assert.InRange(s.TemperatureCentiCelsius, -1000, 6000);
    }

    [HardwareFact("SIMIOT_I2C_BUS")]
    public void Mpu6050_FIFO_at_100_Hz_fills_with_samples_near_one_g()
    {
        using var mpu = new Mpu6050Sensor(I2cDevice.Create(new I2cConnectionSettings(Bus, Mpu6050Sensor.DefaultI2cAddress)), new Mpu6050Settings { SampleRateHz = 100 });
        Thread.Sleep(200); // about 20 samples: upstream leaves USER_CTRL.FIFO_EN off, the wrapper sets it
        var samples = mpu.ReadFifo();
        Assert.InRange(samples.Count, 10, 40);
        Assert.All(samples, s => Assert.InRange(Math.Sqrt(s.AccelerationMilliG().Sum(v => (double)v * v)), 900, 1100));
    }

    [HardwareFact("SIMIOT_I2C_BUS")]
    public void Bme280_reads_a_plausible_room()
    {
        using var bme = new Bme280Sensor(I2cDevice.Create(new I2cConnectionSettings(Bus, Bme280Sensor.DefaultI2cAddress)), new Bme280Settings());
        Thread.Sleep(50); // first normal-mode measurement: at most 1.25 + 2.3·(2 + 16 + 1) + 1.15 ms (section 9.1)
        var s = bme.Read();
        Assert.InRange(s.TemperatureCelsius, -10, 50);
        Assert.InRange(s.PressurePa!.Value, 80_000, 110_000);
        Assert.InRange(s.HumidityPercent!.Value, 1, 100);
    }

    [HardwareFact("SIMIOT_PCSC_READER")]
    public void Real_reader_card_answers_a_select_of_the_master_file()
    {
        using var channel = new CardChannel(new PcscTransport(Environment.GetEnvironmentVariable("SIMIOT_PCSC_READER")!) { CardWaitTimeout = TimeSpan.FromSeconds(5) });
        // SELECT MF (3F00): every UICC and most ISO cards answer it, often with 61xx.
        var response = channel.Transmit([0x00, 0xA4, 0x00, 0x04, 0x02, 0x3F, 0x00]);
        Assert.True(response.Length >= 2);
        Assert.False(channel.Atr.IsEmpty);
    }
}
