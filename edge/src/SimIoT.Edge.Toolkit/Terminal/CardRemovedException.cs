namespace SimIoT.Edge.Toolkit.Terminal;

/// <summary>The card left the reader (or its host went away) in the middle of an exchange.</summary>
public sealed class CardRemovedException(string message, Exception? inner = null) : IOException(message, inner);
