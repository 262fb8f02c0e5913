namespace SimIoT.Edge.Modem;

/// <summary>The cellular module answered an AT command with an error, or not at all.</summary>
public sealed class ModemCommandException(string command, string problem)
    : Exception($"{command}: {problem}")
{
    public string Command { get; } = command;
}
