namespace SimIoT.Edge.Hosting;

/// <summary>How the agent reaches the SIM (used by the card terminal and by <c>readers</c>).</summary>
public sealed class CardOptions
{
    /// <summary>
    /// <c>pcsc</c> (a reader through pcscd), <c>vpcd</c> (the agent listens for a virtual card), or
    /// <c>none</c> (no card: readings are only logged, for checking sensors).
    /// </summary>
    public string Transport { get; set; } = "pcsc";

    /// <summary>The first PC/SC reader whose name contains this (case-insensitive) is used.</summary>
    public string Reader { get; set; } = "";

    public int VpcdPort { get; set; } = 35963;
}
