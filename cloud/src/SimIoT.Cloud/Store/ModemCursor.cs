using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace SimIoT.Cloud.Store;

/// <summary>
/// Where a page ended: the last row's sort key and id. The next page starts strictly after it, so
/// modems added meanwhile never shift a page (keyset paging). Sent to clients as an opaque token.
/// </summary>
public sealed record ModemCursor(ModemSort Sort, string Id, string? Nickname = null, DateTime? LastSeen = null)
{
    public static ModemCursor After(Modems.ModemRecord last, ModemSort sort) => sort switch
    {
        ModemSort.Nickname => new ModemCursor(sort, last.Id.ToString(), Nickname: last.Nickname),
        ModemSort.LastSeen => new ModemCursor(sort, last.Id.ToString(), LastSeen: last.LastSeen),
        _ => new ModemCursor(sort, last.Id.ToString()),
    };

    public string Encode()
    {
        var parts = new object?[] { (int)Sort, Id, Nickname, LastSeen?.Ticks };
        return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(parts));
    }

    /// <summary>The cursor, or null when the token is not one this API gave out.</summary>
    public static ModemCursor? TryDecode(string token)
    {
        try
        {
            using var json = JsonDocument.Parse(Base64Url.DecodeFromChars(token));
            var a = json.RootElement;
            if (a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != 4) return null;
            var sort = (ModemSort)a[0].GetInt32();
            if (!Enum.IsDefined(sort) || a[1].GetString() is not { Length: 16 } id || !id.All(char.IsAsciiHexDigitLower)) return null;
            var nickname = a[2].ValueKind == JsonValueKind.Null ? null : a[2].GetString();
            DateTime? lastSeen = a[3].ValueKind == JsonValueKind.Null ? null : new DateTime(a[3].GetInt64(), DateTimeKind.Utc);
            if (sort == ModemSort.Nickname && nickname is null) return null;
            return new ModemCursor(sort, id, nickname, lastSeen);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
