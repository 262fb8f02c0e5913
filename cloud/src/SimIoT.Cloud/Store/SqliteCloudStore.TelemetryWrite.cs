using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SimIoT.Cloud.Store;

/// <summary>
/// The store sink's write: multi-row INSERTs prepared once per batch and bound by position
/// through SQLite's own API. Microsoft.Data.Sqlite binds every parameter by name on every
/// execution (a name lookup each), which was a tenth of the embedded cloud's CPU at 50,000 readings/s.
/// </summary>
public sealed partial class SqliteCloudStore
{
    // Rows per INSERT: one statement for many rows costs SQLite far less than as many statements.
    private const int RowsPerInsert = 64;
    private const int ColumnsPerRow = 8;

    /// <summary>Inserts the points inside the caller's transaction on <paramref name="connection"/>.</summary>
    private static void WriteTelemetry(SqliteConnection connection, IReadOnlyList<TelemetryPoint> points)
    {
        var db = connection.Handle!;
        int i = 0;
        if (points.Count >= RowsPerInsert)
        {
            var many = Prepare(db, RowsPerInsert);
            try
            {
                for (; i + RowsPerInsert <= points.Count; i += RowsPerInsert)
                {
                    for (int row = 0; row < RowsPerInsert; row++) Bind(db, many, row, points[i + row]);
                    Step(db, many);
                }
            }
            finally
            {
                many.Dispose();
            }
        }
        if (i == points.Count) return;
        var one = Prepare(db, 1);
        try
        {
            for (; i < points.Count; i++)
            {
                Bind(db, one, 0, points[i]);
                Step(db, one);
            }
        }
        finally
        {
            one.Dispose();
        }
    }

    private static sqlite3_stmt Prepare(sqlite3 db, int rows)
    {
        var values = string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?, ?, ?, ?, ?)", rows));
        Check(db, raw.sqlite3_prepare_v2(db, $"INSERT OR IGNORE INTO telemetry (modem_id, sensor, device_id, time_us, value, value_y, value_z, axes) VALUES {values}", out var statement));
        return statement;
    }

    private static void Bind(sqlite3 db, sqlite3_stmt statement, int row, TelemetryPoint p)
    {
        // SQLite's parameter indexes start at 1.
        int at = row * ColumnsPerRow + 1;
        Check(db, raw.sqlite3_bind_text(statement, at, p.ModemId));
        Check(db, raw.sqlite3_bind_text(statement, at + 1, p.Sensor));
        Check(db, raw.sqlite3_bind_int64(statement, at + 2, p.DeviceId));
        Check(db, raw.sqlite3_bind_int64(statement, at + 3, Micros(p.Timestamp)));
        Check(db, raw.sqlite3_bind_int64(statement, at + 4, p.Values[0]));
        Check(db, p.Values.Length > 1 ? raw.sqlite3_bind_int64(statement, at + 5, p.Values[1]) : raw.sqlite3_bind_null(statement, at + 5));
        Check(db, p.Values.Length > 2 ? raw.sqlite3_bind_int64(statement, at + 6, p.Values[2]) : raw.sqlite3_bind_null(statement, at + 6));
        Check(db, raw.sqlite3_bind_int64(statement, at + 7, p.Values.Length));
    }

    private static void Step(sqlite3 db, sqlite3_stmt statement)
    {
        int rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE) Check(db, rc);
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
    }
}
