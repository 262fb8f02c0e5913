using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SimIoT.Protocol.Tests.Vectors;

/// <summary>Reads and writes protocol/vectors/*.json: an object with a flat "vectors" array.</summary>
public static class VectorFile
{
    public static string SourceDirectory([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "vectors"));

    public static IReadOnlyList<JsonObject> Read(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "vectors", name);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        return root["vectors"]!.AsArray().Select(v => v!.AsObject()).ToList();
    }

    public static string Render(string description, IEnumerable<JsonObject> vectors)
    {
        // One vector per line keeps diffs readable and the files easy to parse from Java.
        var lines = vectors.Select(v => "    " + v.ToJsonString(Options));
        return "{\n  \"description\": " + JsonSerializer.Serialize(description, Options) + ",\n  \"vectors\": [\n"
            + string.Join(",\n", lines) + "\n  ]\n}\n";
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
