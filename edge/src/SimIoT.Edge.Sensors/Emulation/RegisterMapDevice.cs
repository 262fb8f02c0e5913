using System.Device.I2c;

namespace SimIoT.Edge.Sensors.Emulation;

/// <summary>
/// An <see cref="I2cDevice"/> over a 256-byte register map with the usual I2C register
/// protocol: a write sets the register pointer and writes the bytes after it, a read returns
/// bytes from the pointer on, auto-incrementing. Chips refresh their data registers in
/// <see cref="OnRead"/> and react to configuration writes in <see cref="OnWrite"/>.
/// </summary>
public abstract class RegisterMapDevice : I2cDevice
{
    private readonly object _gate = new();
    private byte _pointer;
    private bool _unplugged;

    protected RegisterMapDevice(I2cConnectionSettings settings, TimeProvider? timeProvider)
    {
        ConnectionSettings = settings;
        Time = timeProvider ?? TimeProvider.System;
    }

    public override I2cConnectionSettings ConnectionSettings { get; }

    public I2cFault Fault { get; set; }

    /// <summary>How long a transfer blocks before failing under <see cref="I2cFault.StuckBus"/>; zero in tests.</summary>
    public TimeSpan StuckBusDelay { get; set; }

    /// <summary>Transfers (reads and writes) seen, including failed ones.</summary>
    public int Transfers { get; private set; }

    protected TimeProvider Time { get; }

    /// <summary>The register file; subclasses own its meaning.</summary>
    protected byte[] Registers { get; } = new byte[256];

    /// <summary>Pulls the chip off the bus: it stops answering until <see cref="Plug"/>, which powers it up from reset.</summary>
    public void Unplug()
    {
        lock (_gate) _unplugged = true;
    }

    public void Plug()
    {
        lock (_gate)
        {
            _unplugged = false;
            PowerOnReset();
        }
    }

    public byte Peek(byte register)
    {
        lock (_gate) return Registers[register];
    }

    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    public override void Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            Check();
            OnRead(_pointer, buffer.Length);
            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] = ReadRegister(_pointer);
                _pointer = NextReadRegister(_pointer);
            }
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            Check();
            if (buffer.IsEmpty) return;
            _pointer = buffer[0];
            _pointer = WritePayload(_pointer, buffer[1..]);
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        // A repeated-start transfer: one lock so no other thread's transfer can move the pointer in between.
        lock (_gate)
        {
            Write(writeBuffer);
            Read(readBuffer);
        }
    }

    /// <summary>Restores power-on register values (configuration lost, as after a power cycle).</summary>
    protected abstract void PowerOnReset();

    /// <summary>Called before a read of <paramref name="count"/> bytes from <paramref name="register"/>.</summary>
    protected virtual void OnRead(byte register, int count)
    {
    }

    /// <summary>Called after <paramref name="value"/> was written to <paramref name="register"/>.</summary>
    protected virtual void OnWrite(byte register, byte value)
    {
    }

    /// <summary>What a read of one register returns; the identity register is overridden under <see cref="I2cFault.WrongId"/>.</summary>
    protected virtual byte ReadRegister(byte register) => Registers[register];

    /// <summary>Where a burst read goes on after <paramref name="register"/>: the next one, except at a FIFO port.</summary>
    protected virtual byte NextReadRegister(byte register) => (byte)(register + 1);

    /// <summary>
    /// Most chips auto-increment on writes; the BME280 takes register/data pairs instead.
    /// Returns where the register pointer is left.
    /// </summary>
    protected virtual byte WritePayload(byte register, ReadOnlySpan<byte> payload)
    {
        foreach (byte value in payload)
        {
            if (IsWritable(register))
            {
                Registers[register] = value;
                OnWrite(register, value);
            }

            register++;
        }

        return register;
    }

    protected virtual bool IsWritable(byte register) => true;

    private void Check()
    {
        Transfers++;
        if (_unplugged || Fault == I2cFault.Nack)
        {
            throw new IOException($"Error 6 performing I2C data transfer: no acknowledge from 0x{ConnectionSettings.DeviceAddress:X2} (No such device or address)");
        }

        if (Fault == I2cFault.StuckBus)
        {
            if (StuckBusDelay > TimeSpan.Zero) Thread.Sleep(StuckBusDelay);
            throw new IOException($"Error 110 performing I2C data transfer on bus {ConnectionSettings.BusId}: Connection timed out (bus stuck)");
        }
    }
}
