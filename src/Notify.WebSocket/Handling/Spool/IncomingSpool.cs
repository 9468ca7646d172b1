using Microsoft.Data.Sqlite;

namespace Notify.WebSocket.Handling.Spool;

/// <summary>
/// The durable local spool: a SQLite file holding every accepted message until all its strategies have handled it,
/// with the strategies already done per message. One instance per file and process (see <see cref="SpoolRegistry"/>);
/// writes are batched into one transaction each (group commit) by the pipelines' writer loops.
/// </summary>
internal sealed class IncomingSpool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _delete;
    private readonly HashSet<(string Owner, string Id)> _claimed = [];
    private long _count;

    public IncomingSpool(string path)
    {
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;");
        Execute("""
            CREATE TABLE IF NOT EXISTS incoming_spool (
              owner TEXT NOT NULL, id TEXT NOT NULL, message TEXT NOT NULL,
              done TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, spooled_at TEXT NOT NULL,
              PRIMARY KEY (owner, id)) WITHOUT ROWID;
            """);
        using (var count = _connection.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM incoming_spool";
            _count = (long)count.ExecuteScalar()!;
        }

        _insert = Command("INSERT OR IGNORE INTO incoming_spool (owner, id, message, spooled_at) VALUES ($owner, $id, $message, $at)", "$owner", "$id", "$message", "$at");
        _update = Command("UPDATE incoming_spool SET done = $done, attempts = $attempts WHERE owner = $owner AND id = $id", "$owner", "$id", "$done", "$attempts");
        _delete = Command("DELETE FROM incoming_spool WHERE owner = $owner AND id = $id", "$owner", "$id");
    }

    public string Path { get; }

    /// <summary>Messages in the file (every owner).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>
    /// Applies a batch in one transaction: inserts (while the file holds fewer than <paramref name="capacity"/>
    /// messages), progress updates and removals. Returns, per insert, whether it was stored; a message whose id is
    /// already pending for the same owner is not stored twice (and not handled twice).
    /// </summary>
    public InsertOutcome[] Apply(IReadOnlyList<SpoolEntry> inserts, IReadOnlyList<SpoolEntry> updates, IReadOnlyList<SpoolEntry> removals, long capacity)
    {
        var outcomes = new InsertOutcome[inserts.Count];
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var count = _count;
            foreach (var entry in removals)
            {
                Bind(_delete, transaction, entry.Owner, entry.Message.Id);
                count -= _delete.ExecuteNonQuery();
                _claimed.Remove((entry.Owner, entry.Message.Id));
            }

            foreach (var entry in updates)
            {
                Bind(_update, transaction, entry.Owner, entry.Message.Id);
                _update.Parameters["$done"].Value = entry.DoneList();
                _update.Parameters["$attempts"].Value = entry.Attempts;
                _update.ExecuteNonQuery();
            }

            var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < inserts.Count; i++)
            {
                var entry = inserts[i];
                if (count >= capacity)
                {
                    outcomes[i] = InsertOutcome.SpoolFull;
                    continue;
                }

                Bind(_insert, transaction, entry.Owner, entry.Message.Id);
                _insert.Parameters["$message"].Value = SpooledMessageSerializer.Serialize(entry.Message);
                _insert.Parameters["$at"].Value = now;
                var stored = _insert.ExecuteNonQuery() == 1;
                count += stored ? 1 : 0;
                outcomes[i] = stored ? InsertOutcome.Stored : InsertOutcome.Duplicate;
                if (stored)
                {
                    _claimed.Add((entry.Owner, entry.Message.Id));
                }
            }

            transaction.Commit();
            Interlocked.Exchange(ref _count, count);
        }

        return outcomes;
    }

    /// <summary>Claims and returns the pending messages of <paramref name="owner"/> that no live pipeline of this process is handling.</summary>
    public List<SpoolEntry> ClaimPending(string owner)
    {
        var entries = new List<SpoolEntry>();
        lock (_gate)
        {
            using var select = _connection.CreateCommand();
            select.CommandText = "SELECT id, message, done, attempts FROM incoming_spool WHERE owner = $owner ORDER BY spooled_at";
            select.Parameters.AddWithValue("$owner", owner);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetString(0);
                if (_claimed.Add((owner, id)))
                {
                    var done = reader.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries);
                    entries.Add(new SpoolEntry(owner, SpooledMessageSerializer.Deserialize(reader.GetString(1)), done, reader.GetInt32(3)));
                }
            }
        }

        return entries;
    }

    /// <summary>Whether <paramref name="owner"/> has messages waiting.</summary>
    public bool HasPending(string owner)
    {
        lock (_gate)
        {
            using var select = _connection.CreateCommand();
            select.CommandText = "SELECT EXISTS (SELECT 1 FROM incoming_spool WHERE owner = $owner)";
            select.Parameters.AddWithValue("$owner", owner);
            return (long)select.ExecuteScalar()! == 1;
        }
    }

    /// <summary>Gives claims back (a pipeline stopped with these still pending), so a later pipeline can take them.</summary>
    public void Unclaim(IEnumerable<SpoolEntry> entries)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                _claimed.Remove((entry.Owner, entry.Message.Id));
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _insert.Dispose();
            _update.Dispose();
            _delete.Dispose();
            _connection.Dispose();
        }
    }

    private static void Bind(SqliteCommand command, SqliteTransaction transaction, string owner, string id)
    {
        command.Transaction = transaction;
        command.Parameters["$owner"].Value = owner;
        command.Parameters["$id"].Value = id;
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new SqliteParameter(parameter, null));
        }

        return command;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
