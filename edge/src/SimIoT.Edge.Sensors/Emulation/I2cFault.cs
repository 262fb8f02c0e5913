namespace SimIoT.Edge.Sensors.Emulation;

/// <summary>Faults an emulated chip can be told to show on the bus.</summary>
public enum I2cFault
{
    None,

    /// <summary>The address is not acknowledged: every transfer fails as Linux i2c-dev reports it (ENXIO/EREMOTEIO).</summary>
    Nack,

    /// <summary>SDA held low: transfers time out (ETIMEDOUT) after <see cref="RegisterMapDevice.StuckBusDelay"/>.</summary>
    StuckBus,

    /// <summary>Another chip answers at the address: the identity register reads a different value.</summary>
    WrongId,
}
