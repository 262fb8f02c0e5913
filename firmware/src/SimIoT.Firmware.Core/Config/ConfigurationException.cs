using System;

namespace SimIoT.Firmware.Config;

/// <summary>A node configuration that is refused; the message says which setting and why.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string reason)
        : base(reason)
    {
    }
}
