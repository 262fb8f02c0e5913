namespace SimIoT.Edge.Toolkit.Terminal;

/// <summary>
/// What a REFRESH asks of the modem: re-read the SIM and re-attach to the network (now on
/// the SIM's new carrier). On a Raspberry Pi this may drive a cellular module with AT commands.
/// </summary>
public interface IModemControl
{
    /// <param name="qualifier">REFRESH qualifier (TS 102 223 §8.6): 04 UICC reset, 00-03 NAA init variants, ...</param>
    Task RefreshAsync(byte qualifier, CancellationToken cancellationToken);
}
