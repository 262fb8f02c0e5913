namespace SimIoT.Protocol.Cli;

/// <summary>Input the inspector cannot decode or encode; the message is the one line shown to the user.</summary>
public sealed class InspectorException(string message) : Exception(message);
