using System.Net;

namespace SimIoT.Edge.Sim;

/// <summary>
/// What may change on a card already personalised and locked (its modem id may not, docs/applet.md):
/// the cloud endpoint, the master key (register the new one in the cloud), the administrator key.
/// Null leaves that item as it is.
/// </summary>
public sealed record CardUpdate(IPEndPoint? CloudEndpoint = null, byte[]? MasterKey = null, byte[]? NewAdminKey = null)
{
    public bool IsEmpty => CloudEndpoint is null && MasterKey is null && NewAdminKey is null;
}
