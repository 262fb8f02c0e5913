namespace SimIoT.Cloud.Store;

/// <summary>
/// SQL both stores share for roll-up tables: per bucket (modem, sensor, device, bucket start) the
/// count and each axis's min, max and sum, so a bucket merged from several batches stays exact.
/// </summary>
public static class RollUpSql
{
    /// <summary>Columns after the key, in table order.</summary>
    public const string Columns = "count, value_min, value_max, value_sum, y_min, y_max, y_sum, z_min, z_max, z_sum, axes";

    /// <summary>Aggregates of raw readings (value, value_y, value_z, axes) into those columns.</summary>
    public const string FromRaw = "COUNT(*), MIN(value), MAX(value), SUM(value), MIN(value_y), MAX(value_y), SUM(value_y), MIN(value_z), MAX(value_z), SUM(value_z), MAX(axes)";

    /// <summary>Aggregates of finer roll-ups into those columns.</summary>
    public const string FromRollUp = "SUM(count), MIN(value_min), MAX(value_max), SUM(value_sum), MIN(y_min), MAX(y_max), SUM(y_sum), MIN(z_min), MAX(z_max), SUM(z_sum), MAX(axes)";

    /// <summary>The ON CONFLICT DO UPDATE assignments that merge a new part into an existing bucket row <paramref name="t"/>.</summary>
    public static string Merge(string t, string least, string greatest) => string.Join(", ",
        $"count = {t}.count + excluded.count",
        $"value_min = {least}({t}.value_min, excluded.value_min)", $"value_max = {greatest}({t}.value_max, excluded.value_max)", $"value_sum = {t}.value_sum + excluded.value_sum",
        $"y_min = {least}({t}.y_min, excluded.y_min)", $"y_max = {greatest}({t}.y_max, excluded.y_max)", $"y_sum = {t}.y_sum + excluded.y_sum",
        $"z_min = {least}({t}.z_min, excluded.z_min)", $"z_max = {greatest}({t}.z_max, excluded.z_max)", $"z_sum = {t}.z_sum + excluded.z_sum",
        $"axes = {greatest}({t}.axes, excluded.axes)");
}
