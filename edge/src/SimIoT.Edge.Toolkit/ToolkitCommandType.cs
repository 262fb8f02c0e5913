namespace SimIoT.Edge.Toolkit;

/// <summary>Type-of-command values (ETSI TS 102 223 §9.4) of the proactive commands a SimIoT terminal meets.</summary>
public enum ToolkitCommandType : byte
{
    Refresh = 0x01,
    SetUpEventList = 0x05,
    TimerManagement = 0x27,
    OpenChannel = 0x40,
    CloseChannel = 0x41,
    ReceiveData = 0x42,
    SendData = 0x43,
    GetChannelStatus = 0x44,
}
