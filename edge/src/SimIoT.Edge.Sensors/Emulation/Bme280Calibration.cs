using System.Buffers.Binary;

namespace SimIoT.Edge.Sensors.Emulation;

/// <summary>
/// Trimming parameters (datasheet section 4.2.2, table 16) and the integer compensation
/// formulas of section 4.2.3: temperature int32 (t_fine), pressure int64, humidity int32.
/// </summary>
public sealed record Bme280Calibration(
    ushort T1, short T2, short T3,
    ushort P1, short P2, short P3, short P4, short P5, short P6, short P7, short P8, short P9,
    byte H1, short H2, byte H3, short H4, short H5, sbyte H6)
{
    /// <summary>Parses calib00..calib25 (0x88..0xA1, 26 bytes) and calib26..calib32 (0xE1..0xE7, 7 bytes).</summary>
    public static Bme280Calibration Parse(ReadOnlySpan<byte> block1, ReadOnlySpan<byte> block2)
    {
        if (block1.Length < 26 || block2.Length < 7) throw new ArgumentException("calibration blocks are 26 and 7 bytes");
        // Little-endian words at 0x88 + 2i: dig_T1..T3, dig_P1..P9 (table 16).
        var w = new short[12];
        for (int i = 0; i < w.Length; i++) w[i] = BinaryPrimitives.ReadInt16LittleEndian(block1[(2 * i)..]);
        return new Bme280Calibration(
            (ushort)w[0], w[1], w[2],
            (ushort)w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11],
            block1[25],
            BinaryPrimitives.ReadInt16LittleEndian(block2),
            block2[2],
            // dig_H4 = 0xE4[7:0] << 4 | 0xE5[3:0]; dig_H5 = 0xE6[7:0] << 4 | 0xE5[7:4]; both signed 12-bit in 16.
            (short)((sbyte)block2[3] << 4 | (block2[4] & 0x0F)),
            (short)((sbyte)block2[5] << 4 | (block2[4] >> 4)),
            (sbyte)block2[6]);
    }

    /// <summary>The inverse of <see cref="Parse"/>, for emulators.</summary>
    public void WriteTo(Span<byte> block1, Span<byte> block2)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(block1, T1);
        BinaryPrimitives.WriteInt16LittleEndian(block1[2..], T2);
        BinaryPrimitives.WriteInt16LittleEndian(block1[4..], T3);
        BinaryPrimitives.WriteUInt16LittleEndian(block1[6..], P1);
        short[] p = [P2, P3, P4, P5, P6, P7, P8, P9];
        for (int i = 0; i < p.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(block1[(8 + 2 * i)..], p[i]);
        block1[24] = 0;
        block1[25] = H1;
        BinaryPrimitives.WriteInt16LittleEndian(block2, H2);
        block2[2] = H3;
        block2[3] = (byte)(H4 >> 4);
        block2[4] = (byte)((H4 & 0x0F) | ((H5 & 0x0F) << 4));
        block2[5] = (byte)(H5 >> 4);
        block2[6] = (byte)H6;
    }

    /// <summary>BME280_compensate_T_int32: °C × 100, and t_fine for the other two formulas.</summary>
    public int CompensateTemperature(int adcT, out int tFine)
    {
        int var1 = (((adcT >> 3) - (T1 << 1)) * T2) >> 11;
        int var2 = (((((adcT >> 4) - T1) * ((adcT >> 4) - T1)) >> 12) * T3) >> 14;
        tFine = var1 + var2;
        return (tFine * 5 + 128) >> 8;
    }

    /// <summary>BME280_compensate_P_int64: Pa in Q24.8 (divide by 256); 0 when P1 is 0 (the datasheet's guard).</summary>
    public uint CompensatePressure(int adcP, int tFine)
    {
        long var1 = (long)tFine - 128000;
        long var2 = var1 * var1 * P6;
        var2 += (var1 * P5) << 17;
        var2 += (long)P4 << 35;
        var1 = ((var1 * var1 * P3) >> 8) + ((var1 * P2) << 12);
        var1 = (((1L << 47) + var1) * P1) >> 33;
        if (var1 == 0) return 0;
        long p = 1048576 - adcP;
        p = (((p << 31) - var2) * 3125) / var1;
        var1 = (P9 * (p >> 13) * (p >> 13)) >> 25;
        var2 = (P8 * p) >> 19;
        p = ((p + var1 + var2) >> 8) + ((long)P7 << 4);
        return (uint)p;
    }

    /// <summary>bme280_compensate_H_int32: %RH in Q22.10 (divide by 1024), clamped to 0..100 %.</summary>
    public uint CompensateHumidity(int adcH, int tFine)
    {
        int v = tFine - 76800;
        v = ((((adcH << 14) - (H4 << 20) - (H5 * v)) + 16384) >> 15)
            * (((((((v * H6) >> 10) * (((v * H3) >> 11) + 32768)) >> 10) + 2097152) * H2 + 8192) >> 14);
        v -= ((((v >> 15) * (v >> 15)) >> 7) * H1) >> 4;
        v = Math.Clamp(v, 0, 419430400);
        return (uint)(v >> 12);
    }
}
