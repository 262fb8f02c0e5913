namespace SimIoT.Cloud.Commands;

/// <summary>The JSON names of <see cref="CommandState"/> ("queued", "timed-out", ...).</summary>
public static class CommandStates
{
    public static string ToText(CommandState state) => state switch
    {
        CommandState.Queued => "queued",
        CommandState.Sent => "sent",
        CommandState.Acked => "acked",
        CommandState.Nacked => "nacked",
        CommandState.TimedOut => "timed-out",
        CommandState.Expired => "expired",
        CommandState.Cancelled => "cancelled",
        CommandState.ModemDeleted => "modem-deleted",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static bool TryParse(string? text, out CommandState state)
    {
        foreach (var candidate in Enum.GetValues<CommandState>())
        {
            if (ToText(candidate) == text)
            {
                state = candidate;
                return true;
            }
        }
        state = default;
        return false;
    }

    public static bool IsFinal(CommandState state) => state is not (CommandState.Queued or CommandState.Sent);
}
