using System.CommandLine;
using System.Text.Json;
using SimIoT.Protocol.Cli;

var keyOption = new Option<string?>("--key", "-k")
{
    Description = "the modem's 128-bit master key as 32 hex digits; needed to open or seal a v2 or v3 frame",
};
var hexArgument = new Argument<string[]>("hex") { Description = "the datagram as hex (several words and colons allowed)", Arity = ArgumentArity.OneOrMore };
var jsonArgument = new Argument<string>("json") { Description = "the packet as JSON, or - to read it from standard input" };

var decode = new Command("decode", "Decode a v1 packet or a v2 or v3 frame from hex and print it as one JSON object.")
{
    hexArgument, keyOption,
};
decode.SetAction(result => Run(() =>
{
    var json = Inspector.Decode(string.Concat(result.GetValue(hexArgument)!), Key(result.GetValue(keyOption)));
    Console.WriteLine(json.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
}));

var encode = new Command("encode", "Encode a packet given as JSON (the form 'decode' prints) and print it as lowercase hex.")
{
    jsonArgument, keyOption,
};
encode.SetAction(result => Run(() =>
{
    var text = result.GetValue(jsonArgument)!;
    if (text == "-") text = Console.In.ReadToEnd();
    Console.WriteLine(Inspector.Encode(text, Key(result.GetValue(keyOption))));
}));

var root = new RootCommand("SimIoT protocol inspector: v1 seed packets, v2 secure frames and v3 compact frames (docs/protocol.md).")
{
    decode, encode,
};
return root.Parse(args).Invoke();

static byte[]? Key(string? hex)
{
    if (hex is null) return null;
    var key = Inspector.ParseHex(hex, "--key");
    return key.Length == 16 ? key : throw new InspectorException("--key must be 16 bytes (32 hex digits)");
}

static int Run(Action action)
{
    try
    {
        action();
        return 0;
    }
    catch (InspectorException ex)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        return 2;
    }
}
