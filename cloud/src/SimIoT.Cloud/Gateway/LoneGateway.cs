namespace SimIoT.Cloud.Gateway;

/// <summary>
/// The embedded profile's binding news: no other gateway shares the modems, so there is no one to
/// tell. Under loss every gap in a modem's sequence is a take, and publishing each one cost a JSON
/// record round trip through the in-process bus (docs/performance.md).
/// </summary>
public sealed class LoneGateway : IBindingNews
{
    public void Announce(ModemSession session, uint sequence, string endpoint)
    {
    }
}
