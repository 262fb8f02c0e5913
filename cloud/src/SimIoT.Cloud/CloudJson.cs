using System.Text.Json;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Modems;

namespace SimIoT.Cloud;

/// <summary>JSON of the cloud's own bus records (command-state, modem-changes, audit).</summary>
public static class CloudJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static byte[] Serialize(CommandStateChange change) => JsonSerializer.SerializeToUtf8Bytes(change, Options);

    public static byte[] Serialize(ModemChange change) => JsonSerializer.SerializeToUtf8Bytes(change, Options);

    public static byte[] Serialize(Audit.AuditRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, Options);

    public static T? Deserialize<T>(ReadOnlySpan<byte> utf8) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(utf8, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
