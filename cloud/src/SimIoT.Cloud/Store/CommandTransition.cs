namespace SimIoT.Cloud.Store;

/// <summary>A command entered <paramref name="State"/> at <paramref name="At"/>, on its <paramref name="Attempt"/>th sending (0 before the first).</summary>
public sealed record CommandTransition(string State, DateTime At, int Attempt);
