namespace SimIoT.Edge.Hosting;

/// <summary>One sensor to sample: which chip, where on the bus, how often.</summary>
public sealed class SensorOptions
{
    public string Name { get; set; } = "";

    /// <summary><c>mpu6050</c> or <c>bme280</c>.</summary>
    public string Chip { get; set; } = "";

    /// <summary>I2C bus number: /dev/i2c-1 is the Raspberry Pi's header bus.</summary>
    public int Bus { get; set; } = 1;

    /// <summary>7-bit address; 0 means the chip's default (0x68 MPU-6050, 0x76 BME280).</summary>
    public int Address { get; set; }

    public double RateHz { get; set; } = 1;

    /// <summary>MPU-6050: 2, 4, 8 or 16 (g).</summary>
    public int AccelerometerRangeG { get; set; } = 2;

    /// <summary>MPU-6050: 250, 500, 1000 or 2000 (°/s).</summary>
    public int GyroscopeRangeDps { get; set; } = 250;

    /// <summary>BME280: also send pressure, device 4 (<c>pressure</c>, Pa), each time temperature is sampled.</summary>
    public bool Pressure { get; set; }

    /// <summary>BME280: also send humidity, device 5 (<c>humidity</c>, %RH × 100), each time temperature is sampled.</summary>
    public bool Humidity { get; set; }
}
