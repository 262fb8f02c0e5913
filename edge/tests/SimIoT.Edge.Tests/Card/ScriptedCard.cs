namespace SimIoT.Edge.Tests.Card;

/// <summary>
/// APDU answers for the transport tests: exact command (hex) to response (hex); anything else
/// answers 6D00 (INS not supported) so an unexpected command shows up in the assertion.
/// </summary>
internal static class ScriptedCard
{
    public static readonly byte[] SixteenBytes = Convert.FromHexString("000102030405060708090A0B0C0D0E0F");
    public static readonly byte[] FortyFiveBytes = [.. Enumerable.Range(0, 45).Select(i => (byte)(0xA0 + i))];

    public static byte[] Answer(byte[] apdu) => Convert.ToHexString(apdu) switch
    {
        // SELECT by AID: the answer waits behind 61 10.
        "00A4040005A000000001" => [0x61, 0x10],
        "00C0000010" => [.. SixteenBytes, 0x90, 0x00],
        // A proprietary-class command (as FETCH is, CLA 80) whose answer comes in two GET RESPONSE rounds.
        "8012000000" => [0x61, 0x08],
        "00C0000008" => [.. SixteenBytes[..8], 0x61, 0x04],
        "00C0000004" => [.. SixteenBytes[8..12], 0x90, 0x00],
        // Wrong length: the card wants Le = 0x2D.
        "80CA9F7F00" => [0x6C, 0x2D],
        "80CA9F7F2D" => [.. FortyFiveBytes, 0x90, 0x00],
        "80F2000000" => [0x90, 0x00],
        _ => [0x6D, 0x00],
    };
}
