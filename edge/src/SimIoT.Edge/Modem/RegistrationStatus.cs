using System.Globalization;

namespace SimIoT.Edge.Modem;

/// <summary>
/// Reads the answer to a registration query (+CREG? / +CGREG? / +CEREG?, 3GPP TS 27.007):
/// "+CEREG: &lt;n&gt;,&lt;stat&gt;[,...]", where stat 1 is registered (home) and 5 registered (roaming).
/// </summary>
public static class RegistrationStatus
{
    public static int? Find(string query, IEnumerable<string> lines)
    {
        // "AT+CEREG?" answers with "+CEREG: ...".
        var q = query.Trim();
        if (q.Length < 3 || !q.StartsWith("AT", StringComparison.OrdinalIgnoreCase)) return null;
        string prefix = q.TrimEnd('?')[2..] + ":";
        foreach (var line in lines)
        {
            if (!line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            var fields = line[prefix.Length..].Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length >= 2 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int stat)) return stat;
        }
        return null;
    }

    public static bool IsRegistered(int status) => status is 1 or 5;
}
