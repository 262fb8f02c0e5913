using SimIoT.Edge.Toolkit.Commands;
using SimIoT.Edge.Toolkit.Tlv;

namespace SimIoT.Edge.Toolkit.Responses;

/// <summary>
/// Builds the data of a TERMINAL RESPONSE (ETSI TS 102 223 §6.8): Command Details echoed
/// unchanged, Device Identities terminal → UICC, Result, then command-specific objects.
/// There is no outer template.
/// </summary>
public static class TerminalResponse
{
    public static TlvWriter Start(ProactiveCommand command, GeneralResult result, params byte[] additionalInformation)
    {
        ArgumentNullException.ThrowIfNull(command);
        var result1 = new byte[1 + additionalInformation.Length];
        result1[0] = (byte)result;
        additionalInformation.CopyTo(result1, 1);
        return new TlvWriter()
            .Add(ToolkitTag.CommandDetails | ToolkitTag.ComprehensionRequired, command.CommandDetails.Span)
            .Add(ToolkitTag.DeviceIdentities | ToolkitTag.ComprehensionRequired, DeviceIdentity.Terminal, DeviceIdentity.Uicc)
            .Add(ToolkitTag.Result | ToolkitTag.ComprehensionRequired, result1);
    }

    public static byte[] Simple(ProactiveCommand command, GeneralResult result, params byte[] additionalInformation) =>
        Start(command, result, additionalInformation).ToArray();

    public static byte[] BipError(ProactiveCommand command, BipErrorCause cause) =>
        Simple(command, GeneralResult.BearerIndependentProtocolError, (byte)cause);
}
