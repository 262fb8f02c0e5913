namespace SimIoT.Edge.Toolkit;

/// <summary>General result byte of a TERMINAL RESPONSE (ETSI TS 102 223 §8.12).</summary>
public enum GeneralResult : byte
{
    Success = 0x00,
    PartialComprehension = 0x01,
    MissingInformation = 0x02,
    RefreshWithAdditionalFilesRead = 0x03,
    PerformedWithModification = 0x07,
    TerminalUnableNow = 0x20,
    NetworkUnableNow = 0x21,
    BeyondTerminalCapabilities = 0x30,
    CommandTypeNotUnderstood = 0x31,
    CommandDataNotUnderstood = 0x32,
    CommandNumberNotKnown = 0x33,
    RequiredValuesMissing = 0x36,
    BearerIndependentProtocolError = 0x3A,
}
