using System;

namespace SimIoT.Firmware.Network;

/// <summary>The broker could not be reached (no route, refused, timed out).</summary>
public sealed class LinkException : Exception
{
    public LinkException(string message)
        : base(message)
    {
    }
}
