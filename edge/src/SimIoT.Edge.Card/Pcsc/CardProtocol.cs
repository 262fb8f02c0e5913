namespace SimIoT.Edge.Card.Pcsc;

/// <summary>SCARD_PROTOCOL_* bits.</summary>
[Flags]
public enum CardProtocol
{
    None = 0,
    T0 = 1,
    T1 = 2,
    Any = T0 | T1,
}
