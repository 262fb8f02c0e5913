namespace SimIoT.Edge.Toolkit.Terminal;

/// <summary>
/// The TERMINAL PROFILE a SimIoT modem sends: what it can do for the card (ETSI TS 102 223 §5.2).
/// Bits are numbered from 1 as in the specification.
/// </summary>
public static class TerminalProfile
{
    public static byte[] SimIoT()
    {
        var profile = new byte[20];
        Set(profile, 3, 0x80);  // REFRESH
        Set(profile, 5, 0x01);  // SET UP EVENT LIST
        Set(profile, 6, 0x04);  // event: data available
        Set(profile, 6, 0x08);  // event: channel status
        Set(profile, 8, 0x01);  // TIMER MANAGEMENT (start, stop)
        Set(profile, 8, 0x02);  // TIMER MANAGEMENT (get current value)
        Set(profile, 12, 0x1F); // OPEN, CLOSE, RECEIVE, SEND DATA, GET CHANNEL STATUS
        Set(profile, 13, 0x02); // GPRS bearer
        Set(profile, 13, 0x20); // one channel (bits 6-8 = 1)
        Set(profile, 17, 0x02); // UDP, UICC in client mode, remote connection
        return profile;
    }

    private static void Set(byte[] profile, int byteNumber, byte mask) => profile[byteNumber - 1] |= mask;
}
