namespace SimIoT.Cloud.Store;

/// <summary>The history of each command: a row per state (and per resend), written by triggers in the statement that changes the command.</summary>
public sealed partial class SqliteCloudStore : ICommandHistoryStore
{
    private const string CommandHistorySchema = """
        CREATE TABLE IF NOT EXISTS command_history (command_id INTEGER NOT NULL, state TEXT NOT NULL, at TEXT NOT NULL, attempt INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS command_history_by_command ON command_history (command_id);
        CREATE TRIGGER IF NOT EXISTS commands_history_created AFTER INSERT ON commands
        BEGIN
            INSERT INTO command_history (command_id, state, at, attempt) VALUES (NEW.command_id, NEW.state, NEW.created_at, NEW.attempts);
        END;
        CREATE TRIGGER IF NOT EXISTS commands_history_changed AFTER UPDATE OF state, attempts ON commands
        WHEN NEW.state <> OLD.state OR NEW.attempts <> OLD.attempts
        BEGIN
            INSERT INTO command_history (command_id, state, at, attempt) VALUES (NEW.command_id, NEW.state, NEW.updated_at, NEW.attempts);
        END;
        """;

    public Task<IReadOnlyList<CommandTransition>> CommandHistoryAsync(uint commandId, CancellationToken cancellationToken) => LockedAsync<IReadOnlyList<CommandTransition>>(c =>
    {
        using var command = Command(c, "SELECT state, at, attempt FROM command_history WHERE command_id = $id ORDER BY rowid", ("$id", (long)commandId));
        using var reader = command.ExecuteReader();
        var list = new List<CommandTransition>();
        while (reader.Read()) list.Add(new CommandTransition(reader.GetString(0), Utc(reader, 1), reader.GetInt32(2)));
        return list;
    }, cancellationToken);
}
