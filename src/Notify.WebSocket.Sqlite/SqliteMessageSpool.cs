using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Sqlite;

/// <summary>
/// The durable local spool: a SQLite file (WAL, <c>synchronous=FULL</c>) holding every accepted message until all its
/// strategies have handled it, with the progress recorded per message. The pipeline opens one instance per file and
/// process and batches its writes into one transaction each (group commit); rows are inserted and deleted up to 64 per
/// statement.
/// </summary>
internal sealed class SqliteMessageSpool : IMessageSpool
{
    private const int MaxChunk = 64;

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _update;
    private readonly Dictionary<int, SqliteCommand> _inserts = [];
    private readonly Dictionary<int, SqliteCommand> _deletes = [];
    private long _count;

    public SqliteMessageSpool(string path)
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

    public IReadOnlyList<SpoolInsertOutcome> Apply(IReadOnlyList<SpoolInsert> inserts, IReadOnlyList<SpoolUpdate> updates, IReadOnlyList<SpoolKey> removals, long capacity)
    {
        var outcomes = new SpoolInsertOutcome[inserts.Count];
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var count = _count;
            count -= Remove(removals, transaction);

            foreach (var update in updates)
            {
                _update.Transaction = transaction;
                _update.Parameters["$owner"].Value = update.Key.Owner;
                _update.Parameters["$id"].Value = update.Key.Id;
                _update.Parameters["$done"].Value = update.Progress;
                _update.Parameters["$attempts"].Value = update.Attempts;
                _update.ExecuteNonQuery();
            }

            var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            var next = 0;
            while (next < inserts.Count)
            {
                // A chunk never holds more rows than there is room for, so a row is refused exactly when the file is
                // full at its turn, as if the rows were inserted one by one.
                var room = capacity - count;
                if (room <= 0)
                {
                    outcomes.AsSpan(next).Fill(SpoolInsertOutcome.Full);
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

    public IReadOnlyList<SpooledMessage> ReadPending(string owner)
    {
        var messages = new List<SpooledMessage>();
        lock (_gate)
        {
            using var select = _connection.CreateCommand();
            select.CommandText = "SELECT id, CAST(message AS BLOB), done, attempts FROM incoming_spool WHERE owner = $owner ORDER BY spooled_at";
            select.Parameters.AddWithValue("$owner", owner);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                messages.Add(new SpooledMessage(reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2), reader.GetInt32(3)));
            }
        }

        return messages;
    }

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
    private long Remove(IReadOnlyList<SpoolKey> removals, SqliteTransaction transaction)
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
                var key = removals[next + i];
                parameters[2 * i].Value = key.Owner;
                parameters[(2 * i) + 1].Value = key.Id;
            }

            removed += delete.ExecuteNonQuery();
            next += rows;
        }

        return removed;
    }

    /// <summary>Inserts <paramref name="rows"/> entries in one statement; RETURNING names the ones stored (not already pending).</summary>
    private int Insert(IReadOnlyList<SpoolInsert> inserts, int first, int rows, string now, SpoolInsertOutcome[] outcomes, SqliteTransaction transaction)
    {
        var insert = Chunked(_inserts, rows, InsertSql, i => [$"$o{i}", $"$i{i}", $"$m{i}"]);
        insert.Transaction = transaction;
        var parameters = insert.Parameters;
        parameters[0].Value = now;
        for (var i = 0; i < rows; i++)
        {
            var entry = inserts[first + i];
            parameters[1 + (3 * i)].Value = entry.Key.Owner;
            parameters[2 + (3 * i)].Value = entry.Key.Id;
            parameters[3 + (3 * i)].Value = AsArray(entry.Message);
        }

        var stored = new HashSet<SpoolKey>(rows);
        using (var reader = insert.ExecuteReader())
        {
            while (reader.Read())
            {
                stored.Add(new SpoolKey(reader.GetString(0), reader.GetString(1)));
            }
        }

        var storedRows = stored.Count;

        // Removing the key makes a second copy of an id within the chunk a duplicate, as the row-by-row insert did.
        for (var i = 0; i < rows; i++)
        {
            outcomes[first + i] = stored.Remove(inserts[first + i].Key) ? SpoolInsertOutcome.Stored : SpoolInsertOutcome.Duplicate;
        }

        return storedRows;
    }

    /// <summary>The message's own array when it is one (the pipeline writes exact-size arrays), a copy otherwise.</summary>
    private static byte[] AsArray(ReadOnlyMemory<byte> message) =>
        MemoryMarshal.TryGetArray(message, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : message.ToArray();

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
