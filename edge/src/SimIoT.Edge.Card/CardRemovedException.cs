namespace SimIoT.Edge.Card;

/// <summary>The card was removed, reset or did not appear in time; whatever it held in RAM is gone.</summary>
public sealed class CardRemovedException : IOException
{
    public CardRemovedException()
    {
    }

    public CardRemovedException(string message)
        : base(message)
    {
    }

    public CardRemovedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
