namespace SimIoT.Protocol.V1;

/// <summary>The carrier names used in JSON, Kafka and the UI ("AT&amp;T", "T-Mobile", "Verizon", "Disconnect").</summary>
public static class CarrierNames
{
    public static IReadOnlyList<Carrier> All { get; } = [Carrier.Att, Carrier.TMobile, Carrier.Verizon, Carrier.Disconnect];

    public static string ToName(Carrier carrier) => carrier switch
    {
        Carrier.Att => "AT&T",
        Carrier.TMobile => "T-Mobile",
        Carrier.Verizon => "Verizon",
        Carrier.Disconnect => "Disconnect",
        _ => throw new ArgumentOutOfRangeException(nameof(carrier), carrier, "not a carrier id"),
    };

    /// <summary>Parses a carrier name, ignoring case ("verizon" works, so does "AT&amp;T").</summary>
    public static bool TryParse(string? name, out Carrier carrier)
    {
        foreach (var c in All)
        {
            if (string.Equals(ToName(c), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                carrier = c;
                return true;
            }
        }
        carrier = default;
        return false;
    }

    public static bool IsDefined(int id) => id is 0x0 or 0x1 or 0x2 or 0xF;

    /// <summary>"AT&amp;T, T-Mobile, Verizon, Disconnect", for error messages.</summary>
    public static string Valid { get; } = string.Join(", ", All.Select(ToName));
}
