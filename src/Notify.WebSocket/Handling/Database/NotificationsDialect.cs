namespace Notify.WebSocket.Handling.Database;

/// <summary>
/// The SQL of the notifications table for one database engine: idempotent schema creation and an insert that ignores
/// a message id already stored (so a redelivery does not duplicate a row).
/// </summary>
internal abstract class NotificationsDialect
{
    public static readonly NotificationsDialect Sqlite = new SqliteNotificationsDialect();

    public static readonly NotificationsDialect PostgreSql = new PostgreSqlNotificationsDialect();

    public abstract string Name { get; }

    public static NotificationsDialect? For(string provider) => provider.ToUpperInvariant() switch
    {
        "SQLITE" => Sqlite,
        "POSTGRESQL" or "POSTGRES" or "NPGSQL" => PostgreSql,
        _ => null,
    };

    /// <summary>Table names are spliced into SQL, so only plain (optionally schema-qualified) identifiers are allowed.</summary>
    public static bool IsValidTableName(string? table) =>
        table is { Length: > 0 and <= 127 }
        && (char.IsAsciiLetter(table[0]) || table[0] == '_')
        && !table.EndsWith('.')
        && !table.Contains("..", StringComparison.Ordinal)
        && table.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.');

    public abstract string CreateTable(string table);

    public abstract string Insert(string table);

    public abstract object ReceivedAt(DateTimeOffset timestamp);

    private sealed class SqliteNotificationsDialect : NotificationsDialect
    {
        public override string Name => "sqlite";

        public override string CreateTable(string table) => $"""
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS {table} (
              id TEXT NOT NULL PRIMARY KEY, tenant_id TEXT NOT NULL, channel TEXT NOT NULL, event TEXT NOT NULL,
              subject TEXT NOT NULL, body TEXT NOT NULL, metadata TEXT NOT NULL,
              source_url TEXT NOT NULL, source_protocol TEXT NOT NULL, received_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_{table.Replace('.', '_')}_tenant_received ON {table} (tenant_id, received_at);
            """;

        public override string Insert(string table) => $"""
            INSERT INTO {table} (id, tenant_id, channel, event, subject, body, metadata, source_url, source_protocol, received_at)
            VALUES (@id, @tenant_id, @channel, @event, @subject, @body, @metadata, @source_url, @source_protocol, @received_at)
            ON CONFLICT (id) DO NOTHING
            """;

        public override object ReceivedAt(DateTimeOffset timestamp) => WebhookPayload.FormatTimestamp(timestamp);
    }

    private sealed class PostgreSqlNotificationsDialect : NotificationsDialect
    {
        public override string Name => "postgresql";

        public override string CreateTable(string table) => $"""
            CREATE TABLE IF NOT EXISTS {table} (
              id text NOT NULL PRIMARY KEY, tenant_id text NOT NULL, channel text NOT NULL, event text NOT NULL,
              subject text NOT NULL, body jsonb NOT NULL, metadata jsonb NOT NULL,
              source_url text NOT NULL, source_protocol text NOT NULL, received_at timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_{table.Replace('.', '_')}_tenant_received ON {table} (tenant_id, received_at);
            """;

        public override string Insert(string table) => $"""
            INSERT INTO {table} (id, tenant_id, channel, event, subject, body, metadata, source_url, source_protocol, received_at)
            VALUES (@id, @tenant_id, @channel, @event, @subject, CAST(@body AS jsonb), CAST(@metadata AS jsonb), @source_url, @source_protocol, @received_at)
            ON CONFLICT (id) DO NOTHING
            """;

        public override object ReceivedAt(DateTimeOffset timestamp) => timestamp.ToUniversalTime();
    }
}
