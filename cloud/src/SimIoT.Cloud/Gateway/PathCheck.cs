namespace SimIoT.Cloud.Gateway;

/// <summary>What a fresh frame from some address did to its modem's binding (<see cref="ModemSession.CheckPath"/>).</summary>
public enum PathCheck
{
    /// <summary>It came from the binding (or the modem had none): nothing to prove.</summary>
    Bound,

    /// <summary>It came from the challenged candidate and answered the challenge: the binding moved there.</summary>
    Moved,

    /// <summary>A new address: it is the candidate now, and gets a path challenge.</summary>
    Challenge,

    /// <summary>Another address, but a challenge went out less than an interval ago: no datagram for it.</summary>
    Unproven,
}
