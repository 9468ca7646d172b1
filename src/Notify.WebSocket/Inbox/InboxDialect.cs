namespace Notify.WebSocket.Inbox;

/// <summary>
/// What differs between the database engines the built-in inbox store supports: column types, how the schema is
/// created safely by several processes at once, and per-connection settings. Everything else is the same SQL.
/// </summary>
internal sealed class InboxDialect
{
    public static readonly InboxDialect Sqlite = new(
        "sqlite",
        text: "TEXT",
        integer: "INTEGER",
        bytes: "BLOB",
        // WAL lets replays read while a batch commits; FULL makes every commit durable (synced) before it returns.
        connectionSetup: "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=8000;",
        schemaLock: null,
        sequenceKey: "INTEGER PRIMARY KEY",
        // The index tables are their primary key: no second B-tree to write.
        clusteredSuffix: " WITHOUT ROWID",
        returningFeedsInsert: false,
        // In-process: a prepared single-row statement bound again per row beats a wide one (SQLite finds each named
        // parameter by a linear search); lookups over a whole batch go as one JSON parameter.
        rowsPerStatement: 1,
        rowsAsJson: true,
        // Microsoft.Data.Sqlite begins a deferred transaction for this level: in WAL mode one snapshot, taken at its first
        // read (read_uncommitted itself only matters with a shared cache, which the store does not use).
        snapshotIsolation: System.Data.IsolationLevel.ReadUncommitted,
        writeCheck: "user_version",
        userLock: null,
        // One writer at a time, so the appender can know every head: looking 500 streams up by name in each group commit
        // took a quarter of its time (2.7 ms of 10.5 for 512 user sends).
        changeCounter: "PRAGMA data_version");

    public static readonly InboxDialect PostgreSql = new(
        "postgresql",
        text: "text",
        integer: "bigint",
        bytes: "bytea",
        connectionSetup: null,
        // CREATE ... IF NOT EXISTS races between sessions in PostgreSQL: a transaction-scoped advisory lock orders them.
        schemaLock: "SELECT pg_advisory_xact_lock(7150015);",
        sequenceKey: "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        clusteredSuffix: string.Empty,
        returningFeedsInsert: true,
        // Over the network: many rows per statement, so a batch takes few round trips.
        rowsPerStatement: 64,
        rowsAsJson: false,
        snapshotIsolation: System.Data.IsolationLevel.RepeatableRead,
        writeCheck: null,
        // Two devices of one user marking at once lock the user's mark rows in different orders (a list of ids, a range
        // of positions): without one lock per user first, PostgreSQL found deadlocks and failed one of them.
        userLock: "SELECT pg_advisory_xact_lock(7150016, hashtext(@t || ':' || @u));",
        changeCounter: null);

    private InboxDialect(string name, string text, string integer, string bytes, string? connectionSetup, string? schemaLock, string sequenceKey, string clusteredSuffix, bool returningFeedsInsert, int rowsPerStatement, bool rowsAsJson, System.Data.IsolationLevel snapshotIsolation, string? writeCheck, string? userLock, string? changeCounter)
    {
        ChangeCounter = changeCounter;
        UserLock = userLock;
        WriteCheck = writeCheck;
        SnapshotIsolation = snapshotIsolation;
        SequenceKey = sequenceKey;
        ClusteredSuffix = clusteredSuffix;
        ReturningFeedsInsert = returningFeedsInsert;
        RowsPerStatement = rowsPerStatement;
        RowsAsJson = rowsAsJson;
        Name = name;
        Text = text;
        Integer = integer;
        Bytes = bytes;
        ConnectionSetup = connectionSetup;
        SchemaLock = schemaLock;
    }

    public string Name { get; }

    public string Text { get; }

    public string Integer { get; }

    public string Bytes { get; }

    /// <summary>The column type of the notification log's sequence number: assigned on insert, ascending.</summary>
    public string SequenceKey { get; }

    /// <summary>Appended to a table stored as its primary key alone.</summary>
    public string ClusteredSuffix { get; }

    /// <summary>
    /// Whether a statement can feed the rows an <c>INSERT</c> or <c>DELETE</c> returns into another table (PostgreSQL's
    /// data-modifying <c>WITH</c>). Without it, a write transaction reads the last sequence number before appending,
    /// which is only sound where writers are serialized (SQLite).
    /// </summary>
    public bool ReturningFeedsInsert { get; }

    /// <summary>The isolation level of a read-only transaction whose statements all see one snapshot.</summary>
    public System.Data.IsolationLevel SnapshotIsolation { get; }

    /// <summary>Run before each write transaction on a connection; null when nothing is needed.</summary>
    public string? ConnectionSetup { get; }

    /// <summary>How many rows a multi-row statement of a batch holds at most (a power of two).</summary>
    public int RowsPerStatement { get; }

    /// <summary>
    /// Whether lookups over a batch (ids already stored, stream heads) go as one statement with the rows in one JSON
    /// parameter; otherwise as multi-row statements of <see cref="RowsPerStatement"/> rows.
    /// </summary>
    public bool RowsAsJson { get; }

    /// <summary>
    /// A header value (a pragma) the store sets to itself at start, to learn whether the database can be written: SQLite
    /// opens a file it may not write (permissions, an immutable file) read-only without a word, and its schema
    /// statements write nothing once the tables exist. Null when opening already tells.
    /// </summary>
    public string? WriteCheck { get; }

    /// <summary>Run first in the schema transaction; null when the engine serializes DDL itself.</summary>
    public string? SchemaLock { get; }

    /// <summary>
    /// Taken first by a transaction that changes a user's read state or memberships (parameters <c>@t</c>, <c>@u</c>),
    /// held until it ends; null where writers take turns anyway (SQLite).
    /// </summary>
    public string? UserLock { get; }

    /// <summary>
    /// A statement whose value, read on one connection, changes whenever another connection has committed (SQLite's
    /// <c>data_version</c>); null where several writers append at once. With it, appends do not store each stream's
    /// head: the store's held appender keeps the heads in memory while no other connection writes, a stream's head is
    /// the higher of its stored head and its last indexed position (<see cref="InboxSql.HeadOf"/>), and the stored head
    /// is raised only before retention removes a stream's newest notifications, so that positions are never reused.
    /// Knowing the heads first, an append inserts its rows one by one, each unless its stream has its id, rather than
    /// looking the ids up first. Without it, every append looks the ids up and advances the stored heads.
    /// </summary>
    public string? ChangeCounter { get; }

    public static InboxDialect? For(string? provider) => provider?.ToUpperInvariant() switch
    {
        "SQLITE" => Sqlite,
        "POSTGRESQL" or "POSTGRES" or "NPGSQL" => PostgreSql,
        _ => null,
    };
}
