using System.Globalization;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Datagrams the kernel dropped for the gateway's port (its receive buffer was full): the drops
/// column of /proc/net/udp and /proc/net/udp6, which the gateway itself never sees.
/// </summary>
public static class KernelUdpDrops
{
    /// <summary>The drops of every socket bound to <paramref name="port"/>; null where /proc/net/udp is missing.</summary>
    public static long? Read(int port)
    {
        long? total = null;
        foreach (var table in new[] { "/proc/net/udp", "/proc/net/udp6" })
        {
            string text;
            try
            {
                text = File.ReadAllText(table);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            total = (total ?? 0) + Parse(text, port);
        }
        return total;
    }

    /// <summary>Sums the last column (drops) of the rows whose local address has <paramref name="port"/>.</summary>
    public static long Parse(string table, int port)
    {
        long drops = 0;
        foreach (var line in table.Split('\n').Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 13) continue;
            int colon = fields[1].LastIndexOf(':');
            if (colon < 0 || !int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int local) || local != port) continue;
            if (long.TryParse(fields[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long d)) drops += d;
        }
        return drops;
    }
}
