namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Where the receive loop reports that this gateway took a modem's binding
/// (<see cref="ModemSession.TakeBinding"/>): to the other gateways on a shared bus
/// (<see cref="ModemBindings"/>), or to no one when the gateway is alone (<see cref="LoneGateway"/>).
/// </summary>
public interface IBindingNews
{
    void Announce(ModemSession session, uint sequence, string endpoint);
}
