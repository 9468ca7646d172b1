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
        connectionSetup: "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        schemaLock: null);

    public static readonly InboxDialect PostgreSql = new(
        "postgresql",
        text: "text",
        integer: "bigint",
        bytes: "bytea",
        connectionSetup: null,
        // CREATE ... IF NOT EXISTS races between sessions in PostgreSQL: a transaction-scoped advisory lock orders them.
        schemaLock: "SELECT pg_advisory_xact_lock(7150015);");

    private InboxDialect(string name, string text, string integer, string bytes, string? connectionSetup, string? schemaLock)
    {
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

    /// <summary>Run before each write transaction on a connection; null when nothing is needed.</summary>
    public string? ConnectionSetup { get; }

    /// <summary>Run first in the schema transaction; null when the engine serializes DDL itself.</summary>
    public string? SchemaLock { get; }

    public static InboxDialect? For(string? provider) => provider?.ToUpperInvariant() switch
    {
        "SQLITE" => Sqlite,
        "POSTGRESQL" or "POSTGRES" or "NPGSQL" => PostgreSql,
        _ => null,
    };
}
