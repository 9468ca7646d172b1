namespace Notify.WebSocket;

/// <summary>
/// Options of the notification inbox (<c>AddNotificationInbox</c>), bound from their own section (for example
/// <c>Notifications:Inbox</c>) by these names, case-insensitively. With the inbox on, every internal-mode send is stored
/// before it is delivered, clients replay what they missed when they connect, and each user's read state is kept.
/// <see cref="ToString"/> never shows <see cref="ConnectionString"/>.
/// </summary>
public sealed class NotificationInboxOptions
{
    /// <summary>The configuration section read when none is given: <c>Notifications:Inbox</c>.</summary>
    public const string DefaultSectionPath = "Notifications:Inbox";

    /// <summary>The SQLite file used when neither <see cref="DatabasePath"/> nor <see cref="ConnectionString"/> is set.</summary>
    public const string DefaultFileName = "notify-websocket-inbox.db";

    /// <summary>
    /// <c>databaseProvider</c>: <c>sqlite</c> (the embedded default; add <c>.AddSqlite()</c> of Notify.WebSocket.Sqlite) or
    /// <c>postgresql</c> (register the ADO.NET provider: <c>.AddDatabaseProvider("postgresql", NpgsqlFactory.Instance)</c>).
    /// </summary>
    public string DatabaseProvider { get; set; } = "sqlite";

    /// <summary>
    /// <c>databasePath</c>: the SQLite file. Default (also when empty) <see cref="DefaultFileName"/> in the application's
    /// data folder, <c>{LocalApplicationData}/Notify.WebSocket/{application}</c> (on Linux <c>~/.local/share/…</c>).
    /// Checked for writing at start.
    /// </summary>
    public string? DatabasePath { get; set; }

    /// <summary><c>connectionString</c>: the ADO.NET connection string (a secret); wins over <see cref="DatabasePath"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>tablePrefix</c>: prepended to the inbox's table names (letters, digits, <c>_</c>, one optional schema dot). Default <c>inbox_</c>.</summary>
    public string TablePrefix { get; set; } = "inbox_";

    /// <summary><c>maxAge</c>: notifications older than this are removed. Default 30 days.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary><c>maxPerStream</c>: each stream (a user's, a channel's) keeps at most this many, the newest. Default 1000.</summary>
    public int MaxPerStream { get; set; } = 1000;

    /// <summary><c>retentionInterval</c>: how often retention runs in the background. Default 1 minute.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary><c>maxBatchSize</c>: the most notifications one commit stores (sends made meanwhile share it). Default 512.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary><c>replayBatchSize</c>: how many notifications a replay reads from the store at a time. Default 256.</summary>
    public int ReplayBatchSize { get; set; } = 256;

    /// <summary>
    /// <c>connectionBufferCapacity</c>: how many notifications a gateway connection holds before it is written to the
    /// client; a connection that falls further behind reads what it misses from the store instead, so nothing is
    /// dropped. Default 1024.
    /// </summary>
    public int ConnectionBufferCapacity { get; set; } = 1024;

    /// <summary>
    /// <c>rejoinChannelsOnConnect</c>: whether a user's connection to the SignalR or Socket.IO gateway joins the channels
    /// the user is a member of (joined on any device and not left since) when it connects, each with the permission
    /// checked again and answered with <c>channel:joined</c>, so a client that joins once, as the spec's client code
    /// does, keeps its channels live across reconnects and on its other devices. Positions given at connect replay what
    /// each channel's stream missed. Default true.
    /// </summary>
    public bool RejoinChannelsOnConnect { get; set; } = true;

    /// <summary>The configuration key path these options came from, for validation messages.</summary>
    internal string KeyPath { get; set; } = DefaultSectionPath;

    /// <summary>Problems found while binding configuration values, reported by validation.</summary>
    internal List<string> BindingErrors { get; } = [];

    /// <inheritdoc />
    public override string ToString() =>
        $"NotificationInboxOptions {{ DatabaseProvider = {DatabaseProvider}, DatabasePath = {DatabasePath ?? "(default)"}, ConnectionString = {SecretRedactor.Mask(ConnectionString)}, TablePrefix = {TablePrefix}, MaxAge = {MaxAge}, MaxPerStream = {MaxPerStream} }}";
}
