using System.Globalization;
using System.Numerics;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Notify.WebSocket.Handling.Spool;

/// <summary>
/// The durable local spool: a SQLite file holding every accepted message until all its strategies have handled it,
/// with the strategies already done per message. One instance per file and process (see <see cref="SpoolRegistry"/>);
/// writes are batched into one transaction each (group commit) by the pipelines' writer loops, and rows are inserted
/// and deleted up to 64 per statement.
/// </summary>
internal sealed class IncomingSpool : IDisposable
{
    private const int MaxChunk = 64;

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _update;
    private readonly Dictionary<int, SqliteCommand> _inserts = [];
    private readonly Dictionary<int, SqliteCommand> _deletes = [];
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

        _update = Command("UPDATE incoming_spool SET done = $done, attempts = $attempts WHERE owner = $owner AND id = $id", "$owner", "$id", "$done", "$attempts");
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
            count -= Remove(removals, transaction);

            foreach (var entry in updates)
            {
                _update.Transaction = transaction;
                _update.Parameters["$owner"].Value = entry.Owner;
                _update.Parameters["$id"].Value = entry.Message.Id;
                _update.Parameters["$done"].Value = entry.DoneList();
                _update.Parameters["$attempts"].Value = entry.Attempts;
                _update.ExecuteNonQuery();
            }

            var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            var next = 0;
            while (next < inserts.Count)
            {
                // A chunk never holds more rows than there is room for, so a row is refused exactly when the file is
                // full at its turn, as if the rows were inserted one by one.
                var room = capacity - count;
                if (room <= 0)
                {
                    outcomes.AsSpan(next).Fill(InsertOutcome.SpoolFull);
                    break;
                }

                var rows = ChunkSize((int)Math.Min(inserts.Count - next, room));
                count += Insert(inserts, next, rows, now, outcomes, transaction);
                next += rows;
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
            _update.Dispose();
            foreach (var command in _inserts.Values.Concat(_deletes.Values))
            {
                command.Dispose();
            }

            _connection.Dispose();
        }
    }

    /// <summary>The largest power of two up to <paramref name="rows"/> and <see cref="MaxChunk"/>: few distinct statements to prepare.</summary>
    private static int ChunkSize(int rows) => 1 << BitOperations.Log2((uint)Math.Min(rows, MaxChunk));

    /// <summary>Deletes rows many per statement (one statement per row costs more than the row); returns how many went.</summary>
    private long Remove(IReadOnlyList<SpoolEntry> removals, SqliteTransaction transaction)
    {
        long removed = 0;
        var next = 0;
        while (next < removals.Count)
        {
            var rows = ChunkSize(removals.Count - next);
            var delete = Chunked(_deletes, rows, DeleteSql, i => [$"$o{i}", $"$i{i}"]);
            delete.Transaction = transaction;
            var parameters = delete.Parameters;
            for (var i = 0; i < rows; i++)
            {
                var entry = removals[next + i];
                parameters[2 * i].Value = entry.Owner;
                parameters[(2 * i) + 1].Value = entry.Message.Id;
                _claimed.Remove((entry.Owner, entry.Message.Id));
            }

            removed += delete.ExecuteNonQuery();
            next += rows;
        }

        return removed;
    }

    /// <summary>Inserts <paramref name="rows"/> entries in one statement; RETURNING names the ones stored (not already pending).</summary>
    private int Insert(IReadOnlyList<SpoolEntry> inserts, int first, int rows, string now, InsertOutcome[] outcomes, SqliteTransaction transaction)
    {
        var insert = Chunked(_inserts, rows, InsertSql, i => [$"$o{i}", $"$i{i}", $"$m{i}"]);
        insert.Transaction = transaction;
        var parameters = insert.Parameters;
        parameters[0].Value = now;
        for (var i = 0; i < rows; i++)
        {
            var entry = inserts[first + i];
            parameters[1 + (3 * i)].Value = entry.Owner;
            parameters[2 + (3 * i)].Value = entry.Message.Id;
            parameters[3 + (3 * i)].Value = SpooledMessageSerializer.Serialize(entry.Message);
        }

        var stored = new HashSet<(string Owner, string Id)>(rows);
        using (var reader = insert.ExecuteReader())
        {
            while (reader.Read())
            {
                stored.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var storedRows = stored.Count;

        for (var i = 0; i < rows; i++)
        {
            var entry = inserts[first + i];
            var key = (entry.Owner, entry.Message.Id);

            // Removing the key makes a second copy of an id within the chunk a duplicate, as the row-by-row insert did.
            if (stored.Remove(key))
            {
                outcomes[first + i] = InsertOutcome.Stored;
                _claimed.Add(key);
            }
            else
            {
                outcomes[first + i] = InsertOutcome.Duplicate;
            }
        }

        return storedRows;
    }

    private static string InsertSql(int rows)
    {
        // The message is bound as its UTF-8 bytes (a blob) and cast to TEXT, which SQLite does without converting.
        var sql = new StringBuilder("INSERT OR IGNORE INTO incoming_spool (owner, id, message, spooled_at) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}($o{i}, $i{i}, CAST($m{i} AS TEXT), $at)");
        }

        return sql.Append(" RETURNING owner, id").ToString();
    }

    private static string DeleteSql(int rows)
    {
        var sql = new StringBuilder("DELETE FROM incoming_spool WHERE (owner, id) IN (VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}($o{i}, $i{i})");
        }

        return sql.Append(')').ToString();
    }

    /// <summary>
    /// The cached command for a chunk of <paramref name="rows"/> (a power of two). Its parameters are set by position, in
    /// the order <paramref name="rowParameters"/> gives them per row, after <c>$at</c> when the statement uses it.
    /// </summary>
    private SqliteCommand Chunked(Dictionary<int, SqliteCommand> cache, int rows, Func<int, string> sql, Func<int, string[]> rowParameters)
    {
        if (!cache.TryGetValue(rows, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql(rows);
            if (command.CommandText.Contains("$at", StringComparison.Ordinal))
            {
                command.Parameters.Add(new SqliteParameter("$at", null));
            }

            for (var i = 0; i < rows; i++)
            {
                foreach (var name in rowParameters(i))
                {
                    command.Parameters.Add(new SqliteParameter(name, null));
                }
            }

            cache[rows] = command;
        }

        return command;
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
