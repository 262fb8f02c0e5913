namespace SimIoT.Edge.Sim;

/// <summary>
/// How many readings of a submission are safely out: taken by the card and their frame sent.
/// It survives an exception, so a caller retrying after a card removal neither loses nor repeats readings.
/// </summary>
public sealed class SubmitProgress
{
    public int Taken { get; set; }
}
