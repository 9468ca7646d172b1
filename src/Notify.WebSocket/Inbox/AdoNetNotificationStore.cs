using System.Data.Common;
using System.Globalization;
using System.Numerics;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Inbox;

/// <summary>
/// The built-in <see cref="INotificationStore"/>: plain SQL over an ADO.NET <see cref="DbDataSource"/> (SQLite or
/// PostgreSQL, <see cref="InboxDialect"/>). Positions come from each stream's head row, advanced inside the appending
/// transaction, so they are dense and ordered even with several processes appending to one database. Rows are written
/// many per statement.
/// </summary>
internal sealed class AdoNetNotificationStore(DbDataSource source, InboxSql sql) : INotificationStore, IAsyncDisposable
{
    private const int TrimChunk = 10_000;

    /// <summary>
    /// How many appended notifications the recent index holds before an append moves it into the settled index: small
    /// enough that a commit touches few of its pages, large enough that the move touches each stream's page rarely.
    /// </summary>
    private const int SettleEvery = 8_192;

    /// <summary>How many stream heads the held appender remembers before it starts over (about 100 bytes each).</summary>
    private const int MaxRememberedHeads = 100_000;

    /// <summary>
    /// SQLite's message for SQLITE_READONLY and its extended codes. Its code is not on <see cref="DbException"/>
    /// (Microsoft.Data.Sqlite keeps it on its own exception type, which this package does not reference).
    /// </summary>
    private const string SqliteReadOnly = "attempt to write a readonly database";

    /// <summary>
    /// Appends use <see cref="_appender"/> when no other append holds it (the journal appends one batch at a time).
    /// </summary>
    private readonly SemaphoreSlim _appenderGate = new(1, 1);

    private int _unsettled;

    /// <summary>
    /// A connection kept open for appends, with its statements prepared: a durable send's commit then sets up no
    /// connection and prepares no statement (on SQLite, one notification's append took 0.30 ms instead of 0.42 ms, median
    /// of 1,500). Dropped after any failure, so the next append starts on a fresh connection.
    /// </summary>
    private Statements? _appender;

    private bool _disposed;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await InWriteTransactionAsync(async statements =>
        {
            await ExecuteAsync(statements.Connection, statements.Transaction, sql.Schema, cancellationToken).ConfigureAwait(false);
            await CheckWritableAsync(statements, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            await ScalarAsync(sql.LayoutCheck, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception) when (!exception.IsTransient)
        {
            // Not an outage: retrying cannot help, so it is not reported as one.
            throw new WebSocketNotificationException(
                WebSocketErrorCodes.NotConfigured,
                $"The inbox table '{sql.Notifications}' has the layout of an earlier preview of Notify.WebSocket (it has no 'seq' column). Drop the inbox tables or set another 'tablePrefix', and start again.",
                retryable: false,
                exception);
        }
    }

    /// <summary>
    /// Writes a header value back unchanged. A database that cannot be written is not an outage that ends by itself: it
    /// stops the host at start instead of failing every send as retryable.
    /// </summary>
    private async Task CheckWritableAsync(Statements statements, CancellationToken cancellationToken)
    {
        if (sql.Dialect.WriteCheck is not { } pragma)
        {
            return;
        }

        try
        {
            var read = Command(statements.Connection, statements.Transaction, $"PRAGMA {pragma}");
            long value;
            await using (read.ConfigureAwait(false))
            {
                value = Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            await ExecuteAsync(statements.Connection, statements.Transaction, string.Create(CultureInfo.InvariantCulture, $"PRAGMA {pragma} = {value}"), cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception) when (exception.Message.Contains(SqliteReadOnly, StringComparison.Ordinal))
        {
            throw new WebSocketNotificationException(
                WebSocketErrorCodes.NotConfigured,
                $"The inbox database {statements.Connection.DataSource} can only be read (a read-only or immutable file, a read-only file system, or Mode=ReadOnly): make it writable by this process, or give another file (databasePath, or the connection string's Data Source), and start again.",
                retryable: false,
                exception);
        }
    }

    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<NotificationRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var outcomes = new AppendOutcome[records.Count];
        if (records.Count == 0)
        {
            return outcomes;
        }

        await InAppendTransactionAsync(async statements =>
        {
            int stored;
            if (sql.Dialect.ChangeCounter is null)
            {
                var copies = new List<(int Copy, int First)>();
                var fresh = await SkipDuplicatesAsync(statements, records, outcomes, copies, cancellationToken).ConfigureAwait(false);
                await AssignPositionsAsync(statements, records, fresh, outcomes, cancellationToken).ConfigureAwait(false);
                foreach (var (copy, first) in copies)
                {
                    outcomes[copy] = new AppendOutcome(outcomes[first].Position, Duplicate: true);
                }

                await InsertAsync(statements, records, fresh, outcomes, cancellationToken).ConfigureAwait(false);
                stored = fresh.Count;
            }
            else
            {
                stored = await InsertOneByOneAsync(statements, records, outcomes, cancellationToken).ConfigureAwait(false);
            }

            if (Interlocked.Add(ref _unsettled, stored) >= SettleEvery)
            {
                Volatile.Write(ref _unsettled, 0);
                await statements.Bind(sql.Settle, []).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);

        return outcomes;
    }

    public async Task<IReadOnlyList<StoredNotification>> ReadAsync(NotificationStreamId stream, long afterPosition, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var read = new List<StoredNotification>(Math.Min(limit, 256));
        var connection = await OpenAsync(write: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = Command(connection, null, sql.Read, ("t", stream.TenantId), ("s", InboxSql.Key(stream)), ("after", afterPosition), ("limit", (long)limit));
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        read.Add(new StoredNotification(reader.GetString(0), stream, reader.GetInt64(1), reader.GetFieldValue<byte[]>(2), FromMilliseconds(reader.GetInt64(3))));
                    }
                }
            }
        }

        return read;
    }

    public async Task<StreamBounds> GetBoundsAsync(NotificationStreamId stream, CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(write: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = Command(connection, null, sql.Bounds, ("t", stream.TenantId), ("s", InboxSql.Key(stream)));
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    return new StreamBounds(reader.IsDBNull(0) ? 0 : reader.GetInt64(0), reader.IsDBNull(1) ? 0 : reader.GetInt64(1));
                }
            }
        }
    }

    public async Task<long> JoinAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken = default)
    {
        await NonQueryAsync(sql.Join, cancellationToken, ("t", stream.TenantId), ("u", userId), ("s", InboxSql.Key(stream))).ConfigureAwait(false);
        return await GetMembershipAsync(stream, userId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The membership just stored is not there: the store did not keep it.");
    }

    public Task LeaveAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken = default) =>
        InWriteTransactionAsync(async statements =>
        {
            await LockUserAsync(statements, stream.TenantId, userId, cancellationToken).ConfigureAwait(false);
            await statements.Bind(sql.Leave, [("t", stream.TenantId), ("u", userId), ("s", InboxSql.Key(stream))]).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public async Task<long?> GetMembershipAsync(NotificationStreamId stream, string userId, CancellationToken cancellationToken = default)
    {
        var since = await ScalarAsync(sql.Membership, cancellationToken, ("t", stream.TenantId), ("u", userId), ("s", InboxSql.Key(stream))).ConfigureAwait(false);
        return since is null or DBNull ? null : Convert.ToInt64(since, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<StreamPosition>> GetHeadsAsync(string tenantId, string userId, CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(write: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await HeadsAsync(connection, null, tenantId, userId, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<StoredInboxPage> ListAsync(string tenantId, string userId, InboxQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var before = query.Cursor is null ? default(InboxCursor?) : InboxCursor.Parse(query.Cursor);
        var text = new System.Text.StringBuilder("SELECT n.stream, n.position, n.id, n.payload, n.created_at, ")
            .Append(sql.IsRead).Append(", COALESCE(k.archived, 0) ").Append(sql.InboxFrom)
            .Append(" AND COALESCE(k.archived, 0) = @archived");
        var parameters = new List<(string, object)> { ("t", tenantId), ("u", userId), ("us", InboxSql.Key(NotificationStreamId.ForUser(tenantId, userId))), ("archived", query.Archived ? 1L : 0L) };
        if (query.UnreadOnly)
        {
            text.Append(" AND ").Append(sql.IsRead).Append(" = 0");
        }

        if (query.Channel is { } channel)
        {
            text.Append(" AND n.stream = @channel");
            parameters.Add(("channel", InboxSql.Key(NotificationStreamId.ForChannel(tenantId, channel))));
        }

        if (before is { } cursor)
        {
            text.Append(" AND (n.created_at, n.stream, n.position) < (@ca, @cs, @cp)");
            parameters.AddRange([("ca", cursor.CreatedAt), ("cs", cursor.Stream), ("cp", cursor.Position)]);
        }

        text.Append(" ORDER BY n.created_at DESC, n.stream DESC, n.position DESC LIMIT @limit");
        parameters.Add(("limit", (long)query.Limit + 1));

        var entries = new List<StoredInboxEntry>(query.Limit + 1);
        List<StreamPosition> heads;
        var connection = await OpenAsync(write: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One snapshot for the heads and the page: heads read apart from it could be older than its newest entries.
            var snapshot = await connection.BeginTransactionAsync(sql.Dialect.SnapshotIsolation, cancellationToken).ConfigureAwait(false);
            await using (snapshot.ConfigureAwait(false))
            {
                heads = await HeadsAsync(connection, snapshot, tenantId, userId, cancellationToken).ConfigureAwait(false);
                var command = Command(connection, snapshot, text.ToString(), [.. parameters]);
                await using (command.ConfigureAwait(false))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var stored = new StoredNotification(
                                reader.GetString(2), InboxSql.FromKey(tenantId, reader.GetString(0)), reader.GetInt64(1), reader.GetFieldValue<byte[]>(3), FromMilliseconds(reader.GetInt64(4)));
                            entries.Add(new StoredInboxEntry(stored, reader.GetInt64(5) != 0, reader.GetInt64(6) != 0));
                        }
                    }
                }

                await snapshot.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (entries.Count <= query.Limit)
        {
            return new StoredInboxPage(entries, NextCursor: null) { Heads = heads };
        }

        entries.RemoveAt(entries.Count - 1);
        var last = entries[^1].Notification;
        return new StoredInboxPage(entries, new InboxCursor(last.CreatedAt.ToUnixTimeMilliseconds(), InboxSql.Key(last.Stream), last.Position).ToString()) { Heads = heads };
    }

    public async Task<long> CountUnreadAsync(string tenantId, string userId, CancellationToken cancellationToken = default)
    {
        var count = await ScalarAsync(sql.CountUnread, cancellationToken, ("t", tenantId), ("u", userId), ("us", InboxSql.Key(NotificationStreamId.ForUser(tenantId, userId)))).ConfigureAwait(false);
        return Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<string>> SetMarkAsync(string tenantId, string userId, IReadOnlyCollection<string> ids, InboxMark mark, bool value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var visible = new List<(string Id, string Stream, long Position)>();
        await InWriteTransactionAsync(async statements =>
        {
            await LockUserAsync(statements, tenantId, userId, cancellationToken).ConfigureAwait(false);
            var userStream = InboxSql.Key(NotificationStreamId.ForUser(tenantId, userId));
            foreach (var chunk in Chunks([.. ids.Distinct(StringComparer.Ordinal)]))
            {
                var parameters = new List<(string, object)> { ("t", tenantId), ("u", userId), ("us", userStream) };
                parameters.AddRange(chunk.Select((id, i) => ($"i{i}", (object)id)));
                var reader = await statements.Bind(sql.VisibleIds(chunk.Length), parameters).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        visible.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                    }
                }
            }

            foreach (var chunk in Chunks(visible))
            {
                var parameters = new List<(string, object)> { ("t", tenantId), ("u", userId), ("v", value ? 1L : 0L) };
                for (var i = 0; i < chunk.Length; i++)
                {
                    parameters.Add(($"s{i}", chunk[i].Stream));
                    parameters.Add(($"p{i}", chunk[i].Position));
                }

                await statements.Bind(sql.SetMark(mark, chunk.Length), parameters).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);

        return [.. visible.Select(v => v.Id)];
    }

    public async Task<IReadOnlyList<StreamPosition>> MarkReadThroughAsync(string tenantId, string userId, StreamPosition? through, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<StreamPosition> streams = [];
        await InWriteTransactionAsync(async statements =>
        {
            await LockUserAsync(statements, tenantId, userId, cancellationToken).ConfigureAwait(false);

            // Everything: each stream of the inbox up to its head now (what is stored later stays unread).
            streams = through is { } one ? [one] : await HeadsAsync(statements.Connection, statements.Transaction, tenantId, userId, cancellationToken).ConfigureAwait(false);
            foreach (var (stream, position) in streams)
            {
                await statements.Bind(sql.ReadThrough, [("t", tenantId), ("u", userId), ("s", InboxSql.Key(stream)), ("p", position)]).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        return streams;
    }

    public async Task<long> TrimAsync(DateTimeOffset createdBefore, int maxPerStream, CancellationToken cancellationToken = default)
    {
        // Each stream keeps its newest notification: with SQLite its head may be known only from it.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerStream, 1);
        // Settled first: trimming by count reads the settled index only.
        await SettleAsync(cancellationToken).ConfigureAwait(false);
        long removed = 0;
        foreach (var (trim, parameter) in new[] { (sql.TrimByAge, ("before", createdBefore.ToUnixTimeMilliseconds())), (sql.TrimByCount, ("max", (long)maxPerStream)) })
        {
            // In chunks, so no trim holds the write lock for long.
            while (true)
            {
                var deleted = 0;
                await InWriteTransactionAsync(async statements =>
                {
                    for (var i = 0; i < trim.Statements.Length; i++)
                    {
                        var count = await statements.Bind(trim.Statements[i], [parameter, ("limit", (long)TrimChunk)]).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        if (i == trim.Counted)
                        {
                            deleted = count;
                        }
                    }
                }, cancellationToken).ConfigureAwait(false);
                removed += deleted;
                if (deleted < TrimChunk)
                {
                    break;
                }
            }
        }

        if (removed > 0)
        {
            await NonQueryAsync(sql.TrimMarks, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    public async ValueTask DisposeAsync()
    {
        // An append that does not end within the wait (a stalled database) keeps its connection; the host is stopping.
        if (await _appenderGate.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false))
        {
            try
            {
                _disposed = true;
                await SettleAtDisposalAsync().ConfigureAwait(false);
                await DropAppenderAsync().ConfigureAwait(false);
            }
            finally
            {
                _appenderGate.Release();
            }
        }

        await source.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Where appends leave the stored heads behind, settles once more, so that a file this store leaves behind has every
    /// head stored. Best effort: a database that is down at shutdown keeps what the last settle stored.
    /// </summary>
    private async Task SettleAtDisposalAsync()
    {
        // What was appended since the last settle, not whether the appender is still held: a failed append drops it.
        if (sql.Dialect.ChangeCounter is null || Volatile.Read(ref _unsettled) == 0)
        {
            return;
        }

        try
        {
            await SettleAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // Nothing to report to: the host is stopping. The heads stay derivable from the index.
        }
    }

    /// <summary>Moves the recent index into the settled one (<see cref="InboxSql.Settle"/>) in a transaction of its own.</summary>
    private Task SettleAsync(CancellationToken cancellationToken) =>
        InWriteTransactionAsync(statements => statements.Bind(sql.Settle, []).ExecuteNonQueryAsync(cancellationToken), cancellationToken);

    private static DateTimeOffset FromMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    /// <summary>The largest power of two up to <paramref name="rows"/> and the dialect's rows per statement: few distinct statements to build.</summary>
    private int ChunkSize(int rows) => 1 << BitOperations.Log2((uint)Math.Min(rows, sql.Dialect.RowsPerStatement));

    private IEnumerable<T[]> Chunks<T>(IReadOnlyList<T> items)
    {
        for (var next = 0; next < items.Count;)
        {
            var size = ChunkSize(items.Count - next);
            yield return [.. items.Skip(next).Take(size)];
            next += size;
        }
    }

    /// <summary>
    /// Records whose id their stream already has get the stored position; returns the indexes of the others. A second
    /// copy of an id in one stream within the batch is a duplicate of the first (<paramref name="copies"/>: copy index,
    /// first index).
    /// </summary>
    private async Task<List<int>> SkipDuplicatesAsync(Statements statements, IReadOnlyList<NotificationRecord> records, AppendOutcome[] outcomes, List<(int Copy, int First)> copies, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<(string Tenant, string Stream, string Id), AppendOutcome>();
        var rows = new object[records.Count][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = [records[i].Stream.TenantId, InboxSql.Key(records[i].Stream), records[i].Id];
        }

        await ReadForRowsAsync(statements, rows, ["t", "s", "i"], sql.ExistingIds, sql.ExistingIdsOfJson, reader =>
            stored[(reader.GetString(0), reader.GetString(2), reader.GetString(1))] = new AppendOutcome(reader.GetInt64(3), Duplicate: true), cancellationToken).ConfigureAwait(false);

        var fresh = new List<int>(records.Count);
        var firsts = new Dictionary<(string Tenant, string Stream, string Id), int>();
        for (var i = 0; i < records.Count; i++)
        {
            var key = (records[i].Stream.TenantId, InboxSql.Key(records[i].Stream), records[i].Id);
            if (stored.TryGetValue(key, out var outcome))
            {
                outcomes[i] = outcome;
            }
            else if (firsts.TryGetValue(key, out var first))
            {
                copies.Add((i, first));
            }
            else
            {
                firsts[key] = i;
                fresh.Add(i);
            }
        }

        return fresh;
    }

    /// <summary>Advances each stream's head by its number of new records (streams in a fixed order, so concurrent writers lock rows alike) and hands out the positions in record order.</summary>
    private async Task AssignPositionsAsync(Statements statements, IReadOnlyList<NotificationRecord> records, List<int> fresh, AppendOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<(string Tenant, string Stream), long>(StreamOrder.Instance);
        foreach (var i in fresh)
        {
            var key = (records[i].Stream.TenantId, InboxSql.Key(records[i].Stream));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        var rows = counts.Select(c => new object[] { c.Key.Tenant, c.Key.Stream, c.Value }).ToArray();
        var next = new Dictionary<(string Tenant, string Stream), long>(counts.Count);
        await ReadForRowsAsync(statements, rows, ["t", "s", "n"], sql.AdvanceHeads, sql.AdvanceHeadsOfJson, reader =>
        {
            var key = (reader.GetString(0), reader.GetString(1));
            next[key] = reader.GetInt64(2) - counts[key] + 1;
        }, cancellationToken).ConfigureAwait(false);

        foreach (var i in fresh)
        {
            var key = (records[i].Stream.TenantId, InboxSql.Key(records[i].Stream));
            outcomes[i] = new AppendOutcome(next[key]++, Duplicate: false);
        }
    }

    /// <summary>
    /// The heads of <paramref name="streams"/>, as <see cref="Statements.Heads"/>: what the held appender remembers,
    /// unless another connection has committed since its last append, and the rest read (<see cref="InboxSql.HeadOf"/>),
    /// their streams added first. The caller advances the entries it uses: a failed append drops the appender, and
    /// what it remembered with it.
    /// </summary>
    private async Task<Dictionary<(string Tenant, string Stream), long>> KnownHeadsAsync(Statements statements, IEnumerable<(string Tenant, string Stream)> streams, CancellationToken cancellationToken)
    {
        var heads = statements.Heads;
        var version = await statements.Int64Async(sql.Dialect.ChangeCounter!, [], cancellationToken).ConfigureAwait(false);
        if (version != statements.HeadsVersion || heads.Count > MaxRememberedHeads)
        {
            heads.Clear();
            statements.HeadsVersion = version;
        }

        var unknown = streams.Where(stream => !heads.ContainsKey(stream)).Select(stream => new object[] { stream.Tenant, stream.Stream }).ToArray();
        if (unknown.Length > 0)
        {
            await ReadForRowsAsync(statements, unknown, ["t", "s"], sql.EnsureStreams, sql.EnsureStreamsOfJson, _ => { }, cancellationToken).ConfigureAwait(false);
            await ReadForRowsAsync(statements, unknown, ["t", "s"], sql.HeadsOf, sql.HeadsOfJson, reader =>
                heads[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2), cancellationToken).ConfigureAwait(false);
        }

        return heads;
    }

    /// <summary>
    /// Runs a statement over many rows of values and reads what it returns: with a dialect that takes rows as JSON, one
    /// statement with every row in one parameter (<paramref name="ofJson"/>); otherwise multi-row statements in chunks
    /// (<paramref name="chunked"/>, parameters named by <paramref name="names"/> and the row's index in the chunk).
    /// </summary>
    private async Task ReadForRowsAsync(Statements statements, object[][] rows, string[] names, Func<int, string> chunked, string ofJson, Action<DbDataReader> read, CancellationToken cancellationToken)
    {
        if (rows.Length == 0)
        {
            return;
        }

        IEnumerable<(string Text, List<(string, object)> Parameters)> commands = sql.Dialect.RowsAsJson
            ? [(ofJson, [("rows", RowsJson(rows))])]
            : Chunks(rows).Select(chunk =>
            {
                var parameters = new List<(string, object)>(chunk.Length * names.Length);
                for (var i = 0; i < chunk.Length; i++)
                {
                    for (var j = 0; j < names.Length; j++)
                    {
                        parameters.Add((names[j] + i.ToString(System.Globalization.CultureInfo.InvariantCulture), chunk[i][j]));
                    }
                }

                return (chunked(chunk.Length), parameters);
            });
        foreach (var (text, parameters) in commands)
        {
            var reader = await statements.Bind(text, parameters).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    read(reader);
                }
            }
        }
    }

    /// <summary>Rows of text and whole numbers as one JSON array of arrays.</summary>
    private static string RowsJson(object[][] rows)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(rows.Length * 64);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                writer.WriteStartArray();
                foreach (var value in row)
                {
                    if (value is long number)
                    {
                        writer.WriteNumberValue(number);
                    }
                    else
                    {
                        writer.WriteStringValue((string)value);
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task InsertAsync(Statements statements, IReadOnlyList<NotificationRecord> records, List<int> fresh, AppendOutcome[] outcomes, CancellationToken cancellationToken)
    {
        // Without a statement that indexes what it inserts, the rows after the log's last sequence number are this
        // transaction's: SQLite has one writer at a time.
        var last = sql.Dialect.ReturningFeedsInsert || fresh.Count == 0
            ? 0L
            : await statements.Int64Async(sql.LastSequence, [], cancellationToken).ConfigureAwait(false);
        foreach (var chunk in Chunks(fresh))
        {
            var parameters = new List<(string, object)>(chunk.Length * 6);
            for (var i = 0; i < chunk.Length; i++)
            {
                var record = records[chunk[i]];
                parameters.Add(($"t{i}", record.Stream.TenantId));
                parameters.Add(($"s{i}", InboxSql.Key(record.Stream)));
                parameters.Add(($"p{i}", outcomes[chunk[i]].Position));
                parameters.Add(($"i{i}", record.Id));
                parameters.Add(($"b{i}", AsArray(record.Payload)));
                parameters.Add(($"c{i}", record.CreatedAt.ToUnixTimeMilliseconds()));
            }

            await statements.Bind(sql.Insert(chunk.Length), parameters).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!sql.Dialect.ReturningFeedsInsert && fresh.Count > 0)
        {
            await statements.Bind(sql.IndexAppended, [("after", last)]).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Appends where the heads are known before the rows go in (<see cref="KnownHeadsAsync"/>): each record is inserted
    /// at its stream's next position unless its stream already has its id (the id index refuses it, also for a second
    /// copy in this batch), so the duplicates need no lookup of their own first; only those read their stored position.
    /// Returns how many were stored.
    /// </summary>
    private async Task<int> InsertOneByOneAsync(Statements statements, IReadOnlyList<NotificationRecord> records, AppendOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var keys = records.Select(record => (record.Stream.TenantId, InboxSql.Key(record.Stream))).ToArray();
        var heads = await KnownHeadsAsync(statements, keys.Distinct(), cancellationToken).ConfigureAwait(false);
        var last = await statements.Int64Async(sql.LastSequence, [], cancellationToken).ConfigureAwait(false);
        var stored = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var (tenant, stream) = keys[i];
            var position = heads[keys[i]] + 1;
            var inserted = await statements.Bind(sql.InsertUnlessStored,
                [("t", tenant), ("s", stream), ("p", position), ("i", record.Id), ("b", AsArray(record.Payload)), ("c", record.CreatedAt.ToUnixTimeMilliseconds())])
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (inserted == 1)
            {
                heads[keys[i]] = position;
                outcomes[i] = new AppendOutcome(position, Duplicate: false);
                stored++;
            }
            else
            {
                var existing = await statements.Int64Async(sql.StoredPosition, [("t", tenant), ("s", stream), ("i", record.Id)], cancellationToken).ConfigureAwait(false);
                outcomes[i] = new AppendOutcome(existing, Duplicate: true);
            }
        }

        if (stored > 0)
        {
            await statements.Bind(sql.IndexAppended, [("after", last)]).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return stored;
    }

    private async Task<List<StreamPosition>> HeadsAsync(DbConnection connection, DbTransaction? transaction, string tenantId, string userId, CancellationToken cancellationToken)
    {
        var heads = new List<StreamPosition>();
        var command = Command(connection, transaction, sql.Heads, ("t", tenantId), ("u", userId), ("us", InboxSql.Key(NotificationStreamId.ForUser(tenantId, userId))));
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    heads.Add(new StreamPosition(InboxSql.FromKey(tenantId, reader.GetString(0)), reader.GetInt64(1)));
                }
            }
        }

        return heads;
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> payload) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();

    /// <summary>Runs <paramref name="work"/> in a write transaction on a connection of its own and commits it (the commit is not cancelled once begun).</summary>
    private async Task InWriteTransactionAsync(Func<Statements, Task> work, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(write: true, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var statements = new Statements(connection) { Transaction = transaction };
                await using (statements.ConfigureAwait(false))
                {
                    await work(statements).ConfigureAwait(false);
                }

                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction on <see cref="_appender"/>, or, when another append holds it,
    /// on a connection of its own, and commits it.
    /// </summary>
    private async Task InAppendTransactionAsync(Func<Statements, Task> work, CancellationToken cancellationToken)
    {
        if (!_appenderGate.Wait(0, CancellationToken.None))
        {
            await InWriteTransactionAsync(work, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var statements = _appender ??= new Statements(await OpenAsync(write: true, cancellationToken).ConfigureAwait(false));
            try
            {
                var transaction = await BeginAsync(statements.Connection, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    statements.Transaction = transaction;
                    await work(statements).ConfigureAwait(false);
                    await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch
            {
                await DropAppenderAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                statements.Transaction = null;
            }
        }
        finally
        {
            _appenderGate.Release();
        }
    }

    /// <summary>Takes the dialect's per-user lock (<see cref="InboxDialect.UserLock"/>), if it has one, for the rest of the transaction.</summary>
    private async Task LockUserAsync(Statements statements, string tenantId, string userId, CancellationToken cancellationToken)
    {
        if (sql.Dialect.UserLock is { } userLock)
        {
            await statements.Bind(userLock, [("t", tenantId), ("u", userId)]).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DropAppenderAsync()
    {
        if (_appender is { } appender)
        {
            _appender = null;
            await appender.DisposeAsync().ConfigureAwait(false);
            await appender.Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<DbConnection> OpenAsync(bool write, CancellationToken cancellationToken)
    {
        var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (write && sql.Dialect.ConnectionSetup is { } setup)
        {
            try
            {
                await ExecuteAsync(connection, null, setup, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        return connection;
    }

    private async Task<object?> ScalarAsync(string text, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var connection = await OpenAsync(write: false, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = Command(connection, null, text, parameters);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<int> NonQueryAsync(string text, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var connection = await OpenAsync(write: true, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = Command(connection, null, text, parameters);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Begins a transaction. SQLite's <c>BEGIN IMMEDIATE</c> that times out on a busy database leaves the connection
    /// inside a transaction that no <see cref="DbTransaction"/> owns: it is rolled back here, before the connection
    /// goes back to the pool.
    /// </summary>
    private static async Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            try
            {
                await ExecuteAsync(connection, null, "ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            }
            catch (DbException)
            {
                // No transaction was open: nothing to undo.
            }

            throw;
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string text, CancellationToken cancellationToken)
    {
        var command = Command(connection, transaction, text);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A command with its parameters named as the SQL writes them (<c>@name</c>). Microsoft.Data.Sqlite looks a name up as
    /// given, and when that fails, with each of '@', '$' and ':' put before it (to report an ambiguous one): a parameter
    /// named in full costs one native lookup instead of four, at every execution. The single-row statements of an append
    /// bind six per notification.
    /// </summary>
    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string text, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>
    /// The commands of a connection, one per statement text, each prepared on first use and bound again for every later
    /// use, in this transaction or, on the held appender, in later ones (SQLite prepares per command: reusing a small
    /// statement row by row is far cheaper than building a wide one).
    /// </summary>
    private sealed class Statements(DbConnection connection) : IAsyncDisposable
    {
        private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

        public DbConnection Connection => connection;

        /// <summary>The transaction the commands run in (the commands outlive it on a held connection).</summary>
        public DbTransaction? Transaction { get; set; }

        /// <summary>
        /// Stream heads as of this connection's last commit, valid while <see cref="HeadsVersion"/> is the dialect's
        /// <see cref="InboxDialect.ChangeCounter"/> (no other connection has committed since); kept on the held appender,
        /// emptied on a connection of its own at every append.
        /// </summary>
        public Dictionary<(string Tenant, string Stream), long> Heads { get; } = [];

        public long HeadsVersion { get; set; } = -1;

        /// <summary>The command of <paramref name="text"/> with these values, in the order its parameters were first given.</summary>
        public DbCommand Bind(string text, List<(string Name, object Value)> parameters)
        {
            if (!_commands.TryGetValue(text, out var command))
            {
                _commands[text] = Command(connection, Transaction, text, [.. parameters]);
                return _commands[text];
            }

            command.Transaction = Transaction;
            for (var i = 0; i < parameters.Count; i++)
            {
                command.Parameters[i].Value = parameters[i].Value;
            }

            return command;
        }

        /// <summary>The whole number the command of <paramref name="text"/> returns first.</summary>
        public async Task<long> Int64Async(string text, List<(string Name, object Value)> parameters, CancellationToken cancellationToken) =>
            Convert.ToInt64(await Bind(text, parameters).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

        public async ValueTask DisposeAsync()
        {
            foreach (var command in _commands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Ordinal order of (tenant, stream): every writer takes the streams' row locks in the same order.</summary>
    private sealed class StreamOrder : IComparer<(string Tenant, string Stream)>
    {
        public static readonly StreamOrder Instance = new();

        public int Compare((string Tenant, string Stream) x, (string Tenant, string Stream) y)
        {
            var tenant = string.CompareOrdinal(x.Tenant, y.Tenant);
            return tenant != 0 ? tenant : string.CompareOrdinal(x.Stream, y.Stream);
        }
    }
}
