namespace SimIoT.Cloud.Api;

/// <summary>One step of a command's history: the state entered, when, on which sending (0 before the first).</summary>
public sealed record CommandTransitionDto(string State, DateTime At, int Attempt);
