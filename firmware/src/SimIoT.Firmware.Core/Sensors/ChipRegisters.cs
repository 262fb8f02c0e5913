namespace SimIoT.Firmware.Sensors;

/// <summary>
/// The usual I2C register protocol over <see cref="II2cDevice"/>: write the register number, then read
/// from it on (repeated start); a write is the register number followed by the value. Buffers are
/// reused, so a sample allocates nothing.
/// </summary>
public sealed class ChipRegisters
{
    private readonly II2cDevice _device;
    private readonly byte[] _register = new byte[1];
    private readonly byte[] _one = new byte[1];
    private readonly byte[] _pair = new byte[2];

    public ChipRegisters(II2cDevice device)
    {
        _device = device;
    }

    public byte Read(byte register)
    {
        ReadBlock(register, _one);
        return _one[0];
    }

    public void ReadBlock(byte first, byte[] into)
    {
        _register[0] = first;
        _device.WriteRead(_register, into);
    }

    public void Write(byte register, byte value)
    {
        _pair[0] = register;
        _pair[1] = value;
        _device.Write(_pair);
    }
}
