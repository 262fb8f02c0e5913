namespace SimIoT.Cloud.Store;

/// <summary>A stored bulk command and how many of its commands are in each state (the store's state names, whatever they are).</summary>
/// <param name="Selection">How the modems were chosen, in words (for people reading the summary or the audit).</param>
public sealed record BulkCommand(long Id, string Carrier, string Selection, DateTime CreatedAt, IReadOnlyDictionary<string, int> States);
