namespace Notify.WebSocket;

/// <summary>The defaults of <see cref="MessageHandlingOptions"/>, in one place.</summary>
internal static class MessageHandlingDefaults
{
    public const int CallbackTimeoutMs = 10_000;
    public const string SqliteProvider = "sqlite";
    public const string PostgreSqlProvider = "postgresql";
    public const string DatabaseTable = "notifications";
    public const int SpoolCapacity = 100_000;
    public const int QueueCapacity = 10_000;
    public const int DatabaseBusyTimeoutMs = 5000;
    public const int RetryDelayMs = 1000;
    public const int MaxRetryDelayMs = 60_000;
    /// <summary>A memory bound on messages in flight; a broker's acknowledgments take milliseconds, so it must be large to keep a publishing strategy busy.</summary>
    public const int MaxConcurrency = 4096;
    public const int CallbackMaxConcurrency = 256;

    /// <summary>The named <see cref="HttpClient"/> the callback strategy uses (configure it with <c>services.AddHttpClient(name)</c>).</summary>
    public const string CallbackHttpClientName = "Notify.WebSocket.Callback";
}
