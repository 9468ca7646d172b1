namespace Notify.WebSocket;

/// <summary>
/// The <c>messageHandling.strategy</c> values the core knows; a strategy added with <c>AddHandlingStrategy</c> (your
/// own, or a package's) is named by the name it was added under.
/// </summary>
public static class MessageHandlingStrategies
{
    /// <summary>Incoming messages only reach <see cref="IWebSocketProvider.ReceiveAsync(CancellationToken)"/>.</summary>
    public const string None = "none";

    /// <summary>POST each message to <c>callbackUrl</c>.</summary>
    public const string Callback = "callback";

    /// <summary>Store each message in the notifications table.</summary>
    public const string Database = "database";

    /// <summary>Run every strategy that takes part concurrently (see <see cref="IMessageHandlingStrategy{TOptions}.TakesPartInAll"/>).</summary>
    public const string All = "all";
}
