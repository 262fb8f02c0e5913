using System;

namespace SimIoT.Firmware.Sensors;

/// <summary>A chip that did not answer, answered as another chip, or returned no measurement.</summary>
public sealed class SensorException : Exception
{
    public SensorException(string message)
        : base(message)
    {
    }
}
