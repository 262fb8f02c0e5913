namespace SimIoT.Cloud.Store;

/// <summary>
/// The queue cap's test, written once for both stores and for a single command and a bulk alike:
/// they differ only in how the modem's id and the cap are named (a parameter or a column).
/// </summary>
public static class CommandSql
{
    /// <summary>
    /// True while the modem has fewer open (queued or sent) commands than the cap; counted through
    /// the commands_open_by_modem index, whose predicate this repeats.
    /// </summary>
    public static string UnderOpenCap(string modemId, string maxOpen) =>
        $"(SELECT COUNT(*) FROM commands c WHERE c.modem_id = {modemId} AND c.state IN ('queued', 'sent')) < {maxOpen}";
}
