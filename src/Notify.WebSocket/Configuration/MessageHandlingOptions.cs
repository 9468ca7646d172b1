using System.Globalization;

namespace Notify.WebSocket;

/// <summary>
/// What happens to incoming messages (<c>messageHandling</c>): the strategy, the settings of the built-in callback and
/// database strategies, and the spool they share. Strategies added with <c>AddHandlingStrategy</c> have options of
/// their own, under <c>messageHandling:strategies:{name}</c>. Times are in milliseconds, as in the spec.
/// <see cref="ToString"/> never shows <see cref="CallbackSecret"/> or <see cref="DatabaseConnectionString"/>.
/// </summary>
public sealed class MessageHandlingOptions
{
    /// <summary>One of <see cref="MessageHandlingStrategies"/>. Default <c>none</c>.</summary>
    public string Strategy { get; set; } = MessageHandlingStrategies.None;

    /// <summary>The webhook the callback strategy POSTs to.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>
    /// <c>callbackSecret</c>: when set, every webhook is signed (HMAC-SHA256 over timestamp and body); receivers check it
    /// with <see cref="WebhookSignature.Verify(string, string?, string?, ReadOnlySpan{byte}, DateTimeOffset, TimeSpan?)"/>.
    /// </summary>
    public string? CallbackSecret { get; set; }

    /// <summary><c>callbackTimeout</c>: how long one webhook attempt may take, in ms. Default 10000.</summary>
    public int CallbackTimeout { get; set; } = MessageHandlingDefaults.CallbackTimeoutMs;

    /// <summary>With <c>all</c>: include the database strategy.</summary>
    public bool StoreInDatabase { get; set; }

    /// <summary><c>databaseProvider</c>: <c>sqlite</c> (the embedded default, from the Notify.WebSocket.Sqlite package: <c>.AddSqlite()</c>) or <c>postgresql</c> (register Npgsql's factory with <c>AddDatabaseProvider</c>).</summary>
    public string DatabaseProvider { get; set; } = MessageHandlingDefaults.SqliteProvider;

    /// <summary>
    /// <c>databasePath</c>: the SQLite file the database strategy writes to (with <c>databaseProvider</c> <c>sqlite</c>).
    /// Default <c>notifications.db</c> in the application's data folder (see <see cref="SpoolPath"/>).
    /// </summary>
    public string? DatabasePath { get; set; }

    /// <summary>
    /// <c>databaseBusyTimeout</c>: how long, in ms, a write to the SQLite database waits for a lock another process
    /// holds (rounded up to seconds); beyond it the write fails, is logged and is retried with backoff. Default 5000.
    /// </summary>
    public int DatabaseBusyTimeout { get; set; } = MessageHandlingDefaults.DatabaseBusyTimeoutMs;

    /// <summary><c>databaseConnectionString</c>: the ADO.NET connection string of the notifications database; wins over <see cref="DatabasePath"/>.</summary>
    public string? DatabaseConnectionString { get; set; }

    /// <summary><c>databaseTable</c>: the table the database strategy writes to. Default <c>notifications</c>.</summary>
    public string DatabaseTable { get; set; } = MessageHandlingDefaults.DatabaseTable;

    /// <summary>
    /// <c>spoolPath</c>: the folder of the spool, the append-only log where accepted messages wait until every strategy
    /// has handled them (they survive a crash and a restart). Default <c>spool</c> in the application's data folder
    /// (<c>{LocalApplicationData}/Notify.WebSocket/{application}</c>; on Linux <c>~/.local/share/…</c>), which is checked
    /// for writing at start.
    /// </summary>
    public string? SpoolPath { get; set; }

    /// <summary>
    /// <c>queueCapacity</c>: how many received messages may wait in memory for the spool's next write. Default 10000.
    /// </summary>
    public int QueueCapacity { get; set; } = MessageHandlingDefaults.QueueCapacity;

    /// <summary>
    /// <c>whenQueueFull</c>: <c>wait</c> (default) stops reading from the socket until there is room, so the server's
    /// sends slow down and nothing is dropped; <c>drop</c> refuses the message instead (counted and logged; a server that
    /// asked for an acknowledgment does not get one, and may send it again).
    /// </summary>
    public QueueFullMode WhenQueueFull { get; set; } = QueueFullMode.Wait;

    /// <summary><c>spoolCapacity</c>: how many messages may wait in the spool; beyond it a message is rejected, logged and counted. Default 100000.</summary>
    public int SpoolCapacity { get; set; } = MessageHandlingDefaults.SpoolCapacity;

    /// <summary><c>retryDelay</c>: the first delay before a failed strategy is retried, in ms; it doubles per attempt. Default 1000.</summary>
    public int RetryDelay { get; set; } = MessageHandlingDefaults.RetryDelayMs;

    /// <summary><c>maxRetryDelay</c>: the cap on the retry delay, in ms. Default 60000.</summary>
    public int MaxRetryDelay { get; set; } = MessageHandlingDefaults.MaxRetryDelayMs;

    /// <summary>
    /// <c>maxConcurrency</c>: how many messages are handled at once (a memory bound; each sink has its own limit, such
    /// as <see cref="CallbackMaxConcurrency"/>). Default 4096.
    /// </summary>
    public int MaxConcurrency { get; set; } = MessageHandlingDefaults.MaxConcurrency;

    /// <summary><c>callbackMaxConcurrency</c>: how many webhook requests may be open at once per callback url. Default 256.</summary>
    public int CallbackMaxConcurrency { get; set; } = MessageHandlingDefaults.CallbackMaxConcurrency;

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"MessageHandlingOptions {{ Strategy = {Strategy}, CallbackUrl = {SecretRedactor.RedactUrl(CallbackUrl)}, CallbackSecret = {SecretRedactor.Mask(CallbackSecret)}, StoreInDatabase = {StoreInDatabase}, DatabaseProvider = {DatabaseProvider}, DatabaseConnectionString = {SecretRedactor.Mask(DatabaseConnectionString)}, SpoolCapacity = {SpoolCapacity} }}");

    internal MessageHandlingOptions Clone() => (MessageHandlingOptions)MemberwiseClone();
}
