using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Notify.WebSocket.Inbox;

/// <summary>
/// The SQL of the built-in inbox store for one dialect and table prefix. Tables: <c>notifications</c> (a log in
/// append order: sequence number, tenant, stream, position, id, payload, created-at), <c>streams</c> (each stream's
/// number and head, see <see cref="HeadOf"/>), the stream index that finds a stream's notifications by stream number and position in two tables,
/// <c>positions</c> (settled) and <c>positions_recent</c> (what was appended since the last settle), <c>members</c> (channel memberships),
/// <c>cursors</c> (each user's read-through position per stream) and <c>marks</c> (read or archived state per user
/// and notification, over the cursor). Streams are stored per tenant as <c>user:{id}</c> / <c>channel:{name}</c>;
/// times as Unix milliseconds. Multi-row statements are built once per row count.
/// </summary>
/// <remarks>
/// Why the index is split: a commit of sends to many users adds one index entry per stream, and a B-tree clustered
/// by stream puts each on a page of its own, so a synced commit rewrote about one page per notification (SQLite
/// writes whole pages to its log). The recent table stays small, so a commit touches few pages; moving it into the
/// settled table in bulk touches each stream's page once per thousands of notifications. Entries key on the stream's
/// number rather than its tenant and name, so they are a third of the size: fewer pages again. Readers see both parts
/// through <see cref="StreamIndex"/>.
/// </remarks>
internal sealed class InboxSql
{
    private readonly ConcurrentDictionary<(string Kind, int Rows), string> _chunked = new();

    public InboxSql(InboxDialect dialect, string prefix)
    {
        Dialect = dialect;
        Notifications = prefix + "notifications";
        Streams = prefix + "streams";
        Members = prefix + "members";
        Cursors = prefix + "cursors";
        Marks = prefix + "marks";
        var index = prefix.Replace('.', '_');

        // Ids are unique per stream; the id leads the index so that time-ordered ids (the default) append to it rather
        // than land all over it. Databases made while ids were unique per tenant lose that index.
        var schema = prefix.Contains('.', StringComparison.Ordinal) ? prefix[..(prefix.IndexOf('.', StringComparison.Ordinal) + 1)] : string.Empty;
        var (t, i, b) = (dialect.Text, dialect.Integer, dialect.Bytes);
        Positions = prefix + "positions";
        RecentPositions = prefix + "positions_recent";
        Schema = $"""
            {dialect.SchemaLock}
            CREATE TABLE IF NOT EXISTS {Notifications} (
              seq {dialect.SequenceKey}, tenant_id {t} NOT NULL, stream {t} NOT NULL, position {i} NOT NULL, id {t} NOT NULL,
              payload {b} NOT NULL, created_at {i} NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS {index}notifications_id_stream ON {Notifications} (tenant_id, id, stream);
            DROP INDEX IF EXISTS {schema}{index}notifications_id;
            DROP INDEX IF EXISTS {schema}{index}notifications_created;
            CREATE TABLE IF NOT EXISTS {Streams} (
              sid {dialect.SequenceKey}, tenant_id {t} NOT NULL, stream {t} NOT NULL, head {i} NOT NULL, UNIQUE (tenant_id, stream));
            CREATE TABLE IF NOT EXISTS {Positions} (
              sid {i} NOT NULL, position {i} NOT NULL, seq {i} NOT NULL, PRIMARY KEY (sid, position)){dialect.ClusteredSuffix};
            CREATE TABLE IF NOT EXISTS {RecentPositions} (
              sid {i} NOT NULL, position {i} NOT NULL, seq {i} NOT NULL, PRIMARY KEY (sid, position)){dialect.ClusteredSuffix};
            CREATE TABLE IF NOT EXISTS {Members} (
              tenant_id {t} NOT NULL, user_id {t} NOT NULL, stream {t} NOT NULL, since {i} NOT NULL,
              PRIMARY KEY (tenant_id, user_id, stream));
            CREATE TABLE IF NOT EXISTS {Cursors} (
              tenant_id {t} NOT NULL, user_id {t} NOT NULL, stream {t} NOT NULL, read_through {i} NOT NULL,
              PRIMARY KEY (tenant_id, user_id, stream));
            CREATE TABLE IF NOT EXISTS {Marks} (
              tenant_id {t} NOT NULL, user_id {t} NOT NULL, stream {t} NOT NULL, position {i} NOT NULL,
              is_read {i} NULL, archived {i} NOT NULL DEFAULT 0,
              PRIMARY KEY (tenant_id, user_id, stream, position));
            """;
        LayoutCheck = $"SELECT (SELECT seq FROM {Notifications} WHERE 1 = 0), (SELECT sid FROM {Streams} WHERE 1 = 0)";
        var streamNumber = $"(SELECT sid FROM {Streams} WHERE tenant_id = @t AND stream = @s)";
        var headOfStream = $"(SELECT {HeadOf("h")} FROM {Streams} h WHERE h.tenant_id = @t AND h.stream = @s)";
        LastSequence = $"SELECT COALESCE(MAX(seq), 0) FROM {Notifications}";
        InsertUnlessStored = $"""
            INSERT INTO {Notifications} (tenant_id, stream, position, id, payload, created_at) VALUES (@t, @s, @p, @i, @b, @c)
            ON CONFLICT (tenant_id, id, stream) DO NOTHING
            """;
        StoredPosition = $"SELECT position FROM {Notifications} WHERE tenant_id = @t AND id = @i AND stream = @s";
        IndexAppended = IndexRows($"{Notifications} n", "WHERE n.seq > @after");
        // PostgreSQL: one statement, so entries a concurrent appender adds meanwhile are neither lost nor moved twice.
        Settle = dialect.ReturningFeedsInsert
            ? $"WITH moved AS (DELETE FROM {RecentPositions} RETURNING sid, position, seq) INSERT INTO {Positions} (sid, position, seq) SELECT sid, position, seq FROM moved"
            : $"INSERT INTO {Positions} (sid, position, seq) SELECT sid, position, seq FROM {RecentPositions}; DELETE FROM {RecentPositions};";
        // Where appends leave the stored heads behind, each settle brings the heads of the streams appended to since the
        // last one up to date (once per thousands of appends), and so does the store's disposal: only a crash leaves
        // stale ones, for the streams appended to since the last settle (see README for opening such a file with an
        // earlier version, whose appends use the stored heads alone).
        if (dialect.ChangeCounter is not null)
        {
            Settle = $"{StoreHeads($"SELECT sid FROM {RecentPositions}")}; {Settle}";
        }

        Read = $"""
            SELECT n.id, n.position, n.payload, n.created_at
            FROM {StreamIndex($"sid = {streamNumber} AND position > @after", firstByPosition: true)} x
            JOIN {Notifications} n ON n.seq = x.seq ORDER BY x.position LIMIT @limit
            """;
        // Rows as one JSON parameter (SQLite's json_each): json_extract rather than ->> keeps older SQLite builds working.
        ExistingIdsOfJson = $"""
            SELECT n.tenant_id, n.id, n.stream, n.position FROM json_each(@rows) j
            JOIN {Notifications} n ON n.tenant_id = json_extract(j.value, '$[0]') AND n.stream = json_extract(j.value, '$[1]') AND n.id = json_extract(j.value, '$[2]')
            """;
        EnsureStreamsOfJson = $"INSERT INTO {Streams} (tenant_id, stream, head) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), 0 FROM json_each(@rows) WHERE true ON CONFLICT (tenant_id, stream) DO NOTHING";
        HeadsOfJson = $"""
            SELECT s.tenant_id, s.stream, {HeadOf("s")} FROM json_each(@rows) j
            JOIN {Streams} s ON s.tenant_id = json_extract(j.value, '$[0]') AND s.stream = json_extract(j.value, '$[1]')
            """;
        AdvanceHeadsOfJson = $"""
            INSERT INTO {Streams} AS h (tenant_id, stream, head)
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(@rows) WHERE true
            ON CONFLICT (tenant_id, stream) DO UPDATE SET head = h.head + excluded.head RETURNING tenant_id, stream, head
            """;
        Bounds = $"""
            SELECT (SELECT MIN(low) FROM (
                SELECT MIN(position) AS low FROM {Positions} WHERE sid = {streamNumber}
                UNION ALL SELECT MIN(position) FROM {RecentPositions} WHERE sid = {streamNumber}) lows),
              {headOfStream}
            """;
        Join = $"""
            INSERT INTO {Members} (tenant_id, user_id, stream, since)
            VALUES (@t, @u, @s, COALESCE({headOfStream}, 0))
            ON CONFLICT (tenant_id, user_id, stream) DO NOTHING
            """;
        Leave = $"""
            DELETE FROM {Members} WHERE tenant_id = @t AND user_id = @u AND stream = @s;
            DELETE FROM {Cursors} WHERE tenant_id = @t AND user_id = @u AND stream = @s;
            DELETE FROM {Marks} WHERE tenant_id = @t AND user_id = @u AND stream = @s;
            """;
        Membership = $"SELECT since FROM {Members} WHERE tenant_id = @t AND user_id = @u AND stream = @s";
        Heads = $"""
            SELECT @us, COALESCE((SELECT {HeadOf("h")} FROM {Streams} h WHERE h.tenant_id = @t AND h.stream = @us), 0)
            UNION ALL
            SELECT m.stream, COALESCE({HeadOf("s")}, 0) FROM {Members} m
            LEFT JOIN {Streams} s ON s.tenant_id = m.tenant_id AND s.stream = m.stream
            WHERE m.tenant_id = @t AND m.user_id = @u
            """;

        // The user's inbox: their own stream, and their channels' after they joined. Read when marked so, else when at or
        // below the user's read-through cursor of the stream.
        InboxFrom = $"""
            FROM {StreamIndex($"sid IN (SELECT sid FROM {Streams} WHERE tenant_id = @t AND stream IN (SELECT @us UNION ALL SELECT stream FROM {Members} WHERE tenant_id = @t AND user_id = @u))")} x
            JOIN {Notifications} n ON n.seq = x.seq
            LEFT JOIN {Members} m ON m.tenant_id = n.tenant_id AND m.user_id = @u AND m.stream = n.stream
            LEFT JOIN {Cursors} c ON c.tenant_id = n.tenant_id AND c.user_id = @u AND c.stream = n.stream
            LEFT JOIN {Marks} k ON k.tenant_id = n.tenant_id AND k.user_id = @u AND k.stream = n.stream AND k.position = n.position
            WHERE (n.stream = @us OR n.position > m.since)
            """;
        IsRead = "(CASE WHEN k.is_read IS NOT NULL THEN k.is_read WHEN n.position <= COALESCE(c.read_through, 0) THEN 1 ELSE 0 END)";
        CountUnread = $"SELECT COUNT(*) {InboxFrom} AND COALESCE(k.archived, 0) = 0 AND {IsRead} = 0";
        ReadThrough = $"""
            INSERT INTO {Cursors} AS cur (tenant_id, user_id, stream, read_through) VALUES (@t, @u, @s, @p)
            ON CONFLICT (tenant_id, user_id, stream) DO UPDATE SET read_through =
              CASE WHEN excluded.read_through > cur.read_through THEN excluded.read_through ELSE cur.read_through END;
            UPDATE {Marks} SET is_read = NULL WHERE tenant_id = @t AND user_id = @u AND stream = @s AND position <= @p;
            """;
        ClearReadMarks = $"UPDATE {Marks} SET is_read = NULL WHERE tenant_id = @t AND user_id = @u";
        // Each trim removes the same rows (one ordered, limited choice) from the index and the log, in one transaction.
        // Age goes by the log's order, the oldest @limit entries at a time, rather than by an index of times: keeping one
        // cost a third of an append's inserts (1.7 ms of a 512-row group commit, measured apart). Only the log's aged
        // prefix goes, up to the first notification young enough: a send is stamped before it commits, so a later
        // position can carry an earlier time, and removing it alone would leave a hole in its stream.
        var oldest = $"(SELECT seq, tenant_id, stream, position, created_at FROM {Notifications} ORDER BY seq LIMIT @limit)";
        var agedPrefix = $"n.seq < COALESCE((SELECT MIN(seq) FROM {oldest} y WHERE y.created_at >= @before), 9223372036854775807)";
        var aged = $"""
            SELECT s.sid, n.position FROM {oldest} n JOIN {Streams} s ON s.tenant_id = n.tenant_id AND s.stream = n.stream
            WHERE {agedPrefix}
            """;
        string[] trimByAge =
            [
                $"DELETE FROM {Positions} WHERE (sid, position) IN ({aged})",
                $"DELETE FROM {RecentPositions} WHERE (sid, position) IN ({aged})",
                $"DELETE FROM {Notifications} WHERE seq IN (SELECT seq FROM {oldest} n WHERE {agedPrefix})",
            ];
        // Where appends leave the stored heads behind, the streams about to lose notifications keep their heads first:
        // a stream trimmed empty must not hand its positions out again.
        TrimByAge = dialect.ChangeCounter is null
            ? new TrimStatements(trimByAge, Counted: 2)
            : new TrimStatements([StoreHeads($"SELECT sid FROM ({aged}) a"), .. trimByAge], Counted: 3);
        var beyond = $"""
            FROM {Streams} s JOIN {Positions} x ON x.sid = s.sid AND x.position <= {HeadOf("s")} - @max
            ORDER BY s.sid, x.position LIMIT @limit
            """;
        TrimByCount = new TrimStatements(
            [
                $"DELETE FROM {Notifications} WHERE seq IN (SELECT x.seq {beyond})",
                $"DELETE FROM {Positions} WHERE (sid, position) IN (SELECT x.sid, x.position {beyond})",
            ],
            Counted: 0);
        TrimMarks = $"""
            DELETE FROM {Marks} AS k
            WHERE NOT EXISTS (SELECT 1 FROM {Streams} s JOIN {Positions} x ON x.sid = s.sid AND x.position = k.position WHERE s.tenant_id = k.tenant_id AND s.stream = k.stream)
              AND NOT EXISTS (SELECT 1 FROM {Streams} s JOIN {RecentPositions} x ON x.sid = s.sid AND x.position = k.position WHERE s.tenant_id = k.tenant_id AND s.stream = k.stream)
            """;
    }

    public InboxDialect Dialect { get; }

    public string Notifications { get; }

    /// <summary>The settled part of the stream index: (stream number, position) to the log's sequence number.</summary>
    public string Positions { get; }

    /// <summary>The stream index's entries appended since the last <see cref="Settle"/>.</summary>
    public string RecentPositions { get; }

    public string Streams { get; }

    public string Members { get; }

    public string Cursors { get; }

    public string Marks { get; }

    public string Schema { get; }

    /// <summary>Fails when the notifications table has the layout of an earlier preview (no <c>seq</c> column).</summary>
    public string LayoutCheck { get; }

    /// <summary>The log's last sequence number (SQLite: read in the write transaction, before appending).</summary>
    public string LastSequence { get; }

    /// <summary>Appends one notification (@t, @s, @p, @i, @b, @c) unless its stream has its id: one row changed, or none.</summary>
    public string InsertUnlessStored { get; }

    /// <summary>The position of id @i in stream @s of tenant @t.</summary>
    public string StoredPosition { get; }

    /// <summary>Indexes the log's rows after sequence number @after (SQLite: the rows this write transaction appended).</summary>
    public string IndexAppended { get; }

    /// <summary>Moves the recent index entries into the settled index (and, where appends leave the stored heads behind, first stores their streams' heads).</summary>
    public string Settle { get; }

    public string Read { get; }

    public string Bounds { get; }

    public string Join { get; }

    public string Leave { get; }

    public string Membership { get; }

    public string Heads { get; }

    public string InboxFrom { get; }

    public string IsRead { get; }

    public string CountUnread { get; }

    public string ReadThrough { get; }

    public string ClearReadMarks { get; }

    /// <summary>
    /// Removes the log's oldest notifications, in its order, up to @limit and up to the first one created at or after
    /// @before (the caller goes on while that is @limit): every stream loses a prefix of its positions, never one from
    /// between two it keeps. A notification stamped later than those appended after it holds them until it is old
    /// enough itself.
    /// </summary>
    public TrimStatements TrimByAge { get; }

    /// <summary>Removes up to @limit settled notifications more than @max below their stream's head.</summary>
    public TrimStatements TrimByCount { get; }

    public string TrimMarks { get; }

    /// <summary>Letters, digits and <c>_</c>, starting with a letter or <c>_</c>, with at most one schema dot (it is spliced into SQL).</summary>
    public static bool IsValidPrefix(string? prefix) =>
        prefix is { Length: > 0 and <= 48 }
        && (char.IsAsciiLetter(prefix[0]) || prefix[0] == '_')
        && prefix.Count(c => c == '.') <= 1
        && !prefix.EndsWith('.')
        && prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.');

    /// <summary>The stream column's value: the stream without its tenant.</summary>
    public static string Key(NotificationStreamId stream) =>
        (stream.Kind == NotificationStreamKind.User ? "user:" : "channel:") + stream.Name;

    public static NotificationStreamId FromKey(string tenantId, string key) =>
        key.StartsWith("user:", StringComparison.Ordinal)
            ? NotificationStreamId.ForUser(tenantId, key[5..])
            : NotificationStreamId.ForChannel(tenantId, key[8..]);

    /// <summary>The ids already stored in their streams, among <paramref name="rows"/> (tenant, stream, id) rows.</summary>
    public string ExistingIds(int rows) => Chunked("existing", rows, static (sql, i) => sql.Append(CultureInfo.InvariantCulture, $"(@t{i}, @s{i}, @i{i})"),
        $"SELECT tenant_id, id, stream, position FROM {Notifications} WHERE (tenant_id, stream, id) IN (VALUES ", ")");

    /// <summary>Adds to the heads of <paramref name="rows"/> streams; returns each one's new head.</summary>
    public string AdvanceHeads(int rows) => Chunked("heads", rows, static (sql, i) => sql.Append(CultureInfo.InvariantCulture, $"(@t{i}, @s{i}, @n{i})"),
        $"INSERT INTO {Streams} AS h (tenant_id, stream, head) VALUES ",
        " ON CONFLICT (tenant_id, stream) DO UPDATE SET head = h.head + excluded.head RETURNING tenant_id, stream, head");

    /// <summary>Adds the streams of <paramref name="rows"/> (tenant, stream) rows that are not stored yet, with head 0.</summary>
    public string EnsureStreams(int rows) => Chunked("ensure", rows, static (sql, i) => sql.Append(CultureInfo.InvariantCulture, $"(@t{i}, @s{i}, 0)"),
        $"INSERT INTO {Streams} (tenant_id, stream, head) VALUES ", " ON CONFLICT (tenant_id, stream) DO NOTHING");

    /// <summary>The heads (<see cref="HeadOf"/>) of <paramref name="rows"/> (tenant, stream) rows' streams.</summary>
    public string HeadsOf(int rows) => Chunked("headsOf", rows, static (sql, i) => sql.Append(CultureInfo.InvariantCulture, $"(@t{i}, @s{i})"),
        $"SELECT s.tenant_id, s.stream, {HeadOf("s")} FROM {Streams} s WHERE (s.tenant_id, s.stream) IN (VALUES ", ")");

    /// <summary><see cref="EnsureStreams"/> over @rows, a JSON array of [tenant, stream].</summary>
    public string EnsureStreamsOfJson { get; }

    /// <summary><see cref="HeadsOf"/> over @rows, a JSON array of [tenant, stream].</summary>
    public string HeadsOfJson { get; }

    /// <summary>The ids already stored in their streams, among the rows of @rows, a JSON array of [tenant, stream, id].</summary>
    public string ExistingIdsOfJson { get; }

    /// <summary>Adds to the heads of the streams in @rows, a JSON array of [tenant, stream, count]; returns each one's new head.</summary>
    public string AdvanceHeadsOfJson { get; }

    /// <summary>
    /// Appends <paramref name="rows"/> notifications to the log; where the dialect can, the same statement adds their
    /// entries to the recent index (otherwise <see cref="IndexAppended"/> follows).
    /// </summary>
    public string Insert(int rows) => Chunked("insert", rows, static (sql, i) => sql.Append(CultureInfo.InvariantCulture, $"(@t{i}, @s{i}, @p{i}, @i{i}, @b{i}, @c{i})"),
        (Dialect.ReturningFeedsInsert ? "WITH appended AS (" : string.Empty) + $"INSERT INTO {Notifications} (tenant_id, stream, position, id, payload, created_at) VALUES ",
        Dialect.ReturningFeedsInsert
            ? " RETURNING tenant_id, stream, position, seq) " + IndexRows("appended n", where: string.Empty)
            : string.Empty);

    /// <summary>Which of <paramref name="rows"/> ids are in the user's inbox (@i0 …).</summary>
    public string VisibleIds(int rows) => Chunked("visible", rows, static (sql, i) => sql.Append(CultureInfo.InvariantCulture, $"@i{i}"),
        $"SELECT n.id, n.stream, n.position {InboxFrom} AND n.id IN (", ")");

    /// <summary>Sets a mark on <paramref name="rows"/> notifications (@s0/@p0 …) of a user; @v is the value.</summary>
    public string SetMark(Storage.InboxMark mark, int rows) => Chunked(mark == Storage.InboxMark.Read ? "read" : "archived", rows,
        mark == Storage.InboxMark.Read
            ? static (sql, i) => sql.Append(CultureInfo.InvariantCulture, $"(@t, @u, @s{i}, @p{i}, @v, 0)")
            : static (sql, i) => sql.Append(CultureInfo.InvariantCulture, $"(@t, @u, @s{i}, @p{i}, NULL, @v)"),
        $"INSERT INTO {Marks} (tenant_id, user_id, stream, position, is_read, archived) VALUES ",
        mark == Storage.InboxMark.Read
            ? " ON CONFLICT (tenant_id, user_id, stream, position) DO UPDATE SET is_read = excluded.is_read"
            : " ON CONFLICT (tenant_id, user_id, stream, position) DO UPDATE SET archived = excluded.archived");

    /// <summary>
    /// The head of the stream row <paramref name="alias"/>: the last position it handed out. Where appends advance the
    /// stored head (<see cref="InboxDialect.ChangeCounter"/> is null), that column; otherwise the higher of it and the
    /// stream's last indexed position.
    /// </summary>
    public string HeadOf(string alias) => Dialect.ChangeCounter is null
        ? $"{alias}.head"
        : $"""
            MAX({alias}.head,
              COALESCE((SELECT position FROM {RecentPositions} WHERE sid = {alias}.sid ORDER BY position DESC LIMIT 1), 0),
              COALESCE((SELECT position FROM {Positions} WHERE sid = {alias}.sid ORDER BY position DESC LIMIT 1), 0))
            """;

    /// <summary>Stores the heads (<see cref="HeadOf"/>) of the streams whose numbers <paramref name="streamNumbers"/> selects.</summary>
    private string StoreHeads(string streamNumbers) => $"UPDATE {Streams} AS s SET head = {HeadOf("s")} WHERE s.sid IN ({streamNumbers})";

    /// <summary>Adds to the recent index the log rows <paramref name="rows"/> (aliased <c>n</c>) selects, under their stream's number.</summary>
    private string IndexRows(string rows, string where) => $"""
        INSERT INTO {RecentPositions} (sid, position, seq)
        SELECT s.sid, n.position, n.seq FROM {rows} JOIN {Streams} s ON s.tenant_id = n.tenant_id AND s.stream = n.stream {where}
        """;

    /// <summary>
    /// Both parts of the stream index as one subquery of (sid, position, seq), each part filtered by
    /// <paramref name="condition"/> (written out in both, as query planners do not push every condition into a
    /// <c>UNION ALL</c>); with <paramref name="firstByPosition"/>, each part's first @limit entries by position.
    /// </summary>
    private string StreamIndex(string condition, bool firstByPosition = false)
    {
        var first = firstByPosition ? " ORDER BY position LIMIT @limit" : string.Empty;
        return $"""
            (SELECT sid, position, seq FROM (SELECT sid, position, seq FROM {Positions} WHERE {condition}{first}) settled
             UNION ALL SELECT sid, position, seq FROM (SELECT sid, position, seq FROM {RecentPositions} WHERE {condition}{first}) recent)
            """;
    }

    private string Chunked(string kind, int rows, Action<StringBuilder, int> row, string head, string tail) =>
        _chunked.GetOrAdd((kind, rows), key =>
        {
            var sql = new StringBuilder(head);
            for (var i = 0; i < key.Rows; i++)
            {
                if (i > 0)
                {
                    sql.Append(", ");
                }

                row(sql, i);
            }

            return sql.Append(tail).ToString();
        });

    /// <summary>Statements run in order in one transaction; the one at <paramref name="Counted"/> deletes from the log, and its count is the trim's.</summary>
    internal sealed record TrimStatements(string[] Statements, int Counted);
}
