using System.Globalization;
using System.Text;

namespace Notify.WebSocket;

/// <summary>
/// The configuration of a WebSocket provider, bound by the spec's JSON names (case-insensitive) from a section such
/// as <c>Notifications:WebSocket</c>; per-tenant overrides live under <c>tenants:{tenantId}</c> of that section.
/// Times are in milliseconds, as in the spec. <see cref="ToString"/> never shows a secret.
/// </summary>
public sealed class WebSocketProviderOptions
{
    /// <summary><c>providerType</c>: when given, must be <c>websocket</c>.</summary>
    public string? ProviderType { get; set; }

    /// <summary><c>channel</c>: when given, must be <c>websocket</c>.</summary>
    public string? Channel { get; set; }

    /// <summary><c>mode</c>: <c>internal</c> (default) or <c>external</c>.</summary>
    public WebSocketMode Mode { get; set; } = WebSocketMode.Internal;

    /// <summary><c>enabled</c>: a disabled provider fails every send with <see cref="WebSocketErrorCodes.NotConfigured"/>. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>protocol</c>: <c>ws</c> or <c>socketio</c>; required in external mode.</summary>
    public WebSocketProtocol? Protocol { get; set; }

    /// <summary><c>url</c>: the server (ws, wss, http or https); required in external mode.</summary>
    public string? Url { get; set; }

    /// <summary><c>authType</c>: one of <see cref="AuthTypes"/> (or a custom registered strategy). Default <c>none</c>.</summary>
    public string AuthType { get; set; } = AuthTypes.None;

    /// <summary><c>authToken</c>: the bearer token (secret).</summary>
    public string? AuthToken { get; set; }

    /// <summary><c>username</c> for basic auth.</summary>
    public string? Username { get; set; }

    /// <summary><c>password</c> for basic auth (secret).</summary>
    public string? Password { get; set; }

    /// <summary><c>authQuery</c>: query parameters appended to the url (values are secrets).</summary>
    public IDictionary<string, string> AuthQuery { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary><c>authHeaders</c>: headers sent as given (values are secrets).</summary>
    public IDictionary<string, string> AuthHeaders { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>reconnection</c>: reconnect after a drop. Default true.</summary>
    public bool Reconnection { get; set; } = true;

    /// <summary><c>reconnectionAttempts</c>: attempts after a drop; 0 means none. Default 5.</summary>
    public int ReconnectionAttempts { get; set; } = WebSocketProviderDefaults.ReconnectionAttempts;

    /// <summary><c>reconnectionDelay</c>: the first backoff delay in ms, doubled per attempt. Default 1000.</summary>
    public int ReconnectionDelay { get; set; } = WebSocketProviderDefaults.ReconnectionDelayMs;

    /// <summary><c>maxReconnectionDelay</c>: the cap on the backoff delay in ms. Default 30000.</summary>
    public int MaxReconnectionDelay { get; set; } = WebSocketProviderDefaults.MaxReconnectionDelayMs;

    /// <summary><c>timeout</c>: the connection timeout in ms. Default 20000.</summary>
    public int Timeout { get; set; } = WebSocketProviderDefaults.TimeoutMs;

    /// <summary><c>enableCompression</c>: negotiate permessage-deflate.</summary>
    public bool EnableCompression { get; set; }

    /// <summary><c>enableAcknowledgments</c>: a send succeeds only when the server acknowledges it.</summary>
    public bool EnableAcknowledgments { get; set; }

    /// <summary><c>acknowledgmentTimeout</c>: how long to wait for an acknowledgment, in ms. Default 10000.</summary>
    public int AcknowledgmentTimeout { get; set; } = WebSocketProviderDefaults.AcknowledgmentTimeoutMs;

    /// <summary><c>customEvents</c>: the event names used on the wire.</summary>
    public CustomEventsOptions CustomEvents { get; set; } = new();

    /// <summary><c>envelope</c> (native ws): the JSON field names on the wire.</summary>
    public EnvelopeOptions Envelope { get; set; } = new();

    /// <summary><c>enableReceiving</c>: listen for incoming messages.</summary>
    public bool EnableReceiving { get; set; }

    /// <summary><c>subscribeToEvents</c>: the events that reach the incoming pipeline (and only those).</summary>
    public IList<string> SubscribeToEvents { get; set; } = new List<string>();

    /// <summary><c>messageHandling</c>: what happens to incoming messages.</summary>
    public MessageHandlingOptions MessageHandling { get; set; } = new();

    /// <summary><c>enableRequestResponse</c>: allow <see cref="IWebSocketProvider.QueryAsync(QueryRequest, CancellationToken)"/>.</summary>
    public bool EnableRequestResponse { get; set; }

    /// <summary><c>requestTimeout</c>: the default query timeout in ms. Default 5000.</summary>
    public int RequestTimeout { get; set; } = WebSocketProviderDefaults.RequestTimeoutMs;

    /// <summary><c>transports</c> (Socket.IO): <c>websocket</c> and/or <c>polling</c>. Default both.</summary>
    public IList<string> Transports { get; set; } = new List<string>(WebSocketProviderDefaults.Transports);

    /// <summary><c>path</c> (Socket.IO): the engine path. Default <c>/socket.io</c>.</summary>
    public string Path { get; set; } = WebSocketProviderDefaults.SocketIoPath;

    /// <summary><c>supportChannelBroadcast</c>: allow channel sends. Default false.</summary>
    public bool SupportChannelBroadcast { get; set; }

    /// <summary><c>defaultChannels</c>: channels joined on connect (and after every reconnect).</summary>
    public IList<string> DefaultChannels { get; set; } = new List<string>();

    /// <summary>
    /// <c>failWhenRecipientOffline</c> (internal mode): a send that reaches no connection fails with
    /// <see cref="WebSocketErrorCodes.RecipientOffline"/>. With the notification inbox the send is stored all the same
    /// and the failure is not retryable (sending again would store it twice). Default false.
    /// </summary>
    public bool FailWhenRecipientOffline { get; set; }

    /// <summary><c>heartbeatInterval</c>: how often to ping the server, in ms; 0 turns health monitoring off. Default 30000.</summary>
    public int HeartbeatInterval { get; set; } = WebSocketProviderDefaults.HeartbeatIntervalMs;

    /// <summary><c>heartbeatTimeout</c>: how long a ping may go unanswered before the connection is treated as dead, in ms. Default 10000.</summary>
    public int HeartbeatTimeout { get; set; } = WebSocketProviderDefaults.HeartbeatTimeoutMs;

    /// <summary><c>sendQueueCapacity</c>: sends that may wait while disconnected; beyond it a send fails with <see cref="WebSocketErrorCodes.QueueFull"/>. Default 1000.</summary>
    public int SendQueueCapacity { get; set; } = WebSocketProviderDefaults.SendQueueCapacity;

    /// <summary><c>maxMessageSize</c>: incoming frames larger than this many bytes are dropped. Default 1 MiB.</summary>
    public int MaxMessageSize { get; set; } = WebSocketProviderDefaults.MaxMessageSize;

    /// <summary>
    /// The named-options name of a provider configuration's effective options for one tenant (its base section with the
    /// tenant's overrides laid over it): read them with
    /// <c>IOptionsMonitor&lt;WebSocketProviderOptions&gt;.Get(WebSocketProviderOptions.NameFor("websocket", tenantId))</c>.
    /// </summary>
    /// <param name="providerName">The name given to <c>AddWebSocketNotifications</c> (default <c>websocket</c>).</param>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for the base configuration.</param>
    /// <returns>The options name.</returns>
    /// <exception cref="ArgumentException"><paramref name="providerName"/> is empty.</exception>
    public static string NameFor(string providerName, string? tenantId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        return ProviderOptionsNames.For(providerName, tenantId);
    }

    /// <summary>The configuration key path these options came from, used in validation messages.</summary>
    internal string KeyPath { get; set; } = WebSocketProviderDefaults.SectionPath;

    /// <summary>The name of the provider configuration these options belong to.</summary>
    internal string ProviderName { get; set; } = WebSocketProviderDefaults.ProviderName;

    /// <summary>The own options of each strategy added with <c>AddHandlingStrategy</c>, by strategy name.</summary>
    internal Dictionary<string, object> StrategyOptions { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Problems found while binding raw configuration values, reported by validation.</summary>
    internal List<string> BindingErrors { get; } = [];

    /// <summary>A deep copy.</summary>
    /// <returns>The copy.</returns>
    public WebSocketProviderOptions Clone()
    {
        var copy = (WebSocketProviderOptions)MemberwiseClone();
        copy.AuthQuery = new Dictionary<string, string>(AuthQuery, StringComparer.Ordinal);
        copy.AuthHeaders = new Dictionary<string, string>(AuthHeaders, StringComparer.OrdinalIgnoreCase);
        copy.SubscribeToEvents = [.. SubscribeToEvents];
        copy.Transports = [.. Transports];
        copy.DefaultChannels = [.. DefaultChannels];
        copy.CustomEvents = CustomEvents.Clone();
        copy.Envelope = Envelope.Clone();
        copy.MessageHandling = MessageHandling.Clone();
        copy.StrategyOptions = new Dictionary<string, object>(StrategyOptions, StringComparer.OrdinalIgnoreCase);
        return copy;
    }

    /// <summary>A description with every secret masked.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder("WebSocketProviderOptions { ");
        sb.Append(CultureInfo.InvariantCulture, $"Mode = {Mode}, Enabled = {Enabled}, Protocol = {Protocol?.ToString() ?? "(none)"}, ");
        sb.Append(CultureInfo.InvariantCulture, $"Url = {SecretRedactor.RedactUrl(Url)}, AuthType = {AuthType}, ");
        sb.Append(CultureInfo.InvariantCulture, $"AuthToken = {SecretRedactor.Mask(AuthToken)}, Username = {Username ?? "(none)"}, Password = {SecretRedactor.Mask(Password)}, ");
        sb.Append(CultureInfo.InvariantCulture, $"AuthQuery = {SecretRedactor.MaskValues(AuthQuery)}, AuthHeaders = {SecretRedactor.MaskValues(AuthHeaders)}, ");
        sb.Append(CultureInfo.InvariantCulture, $"Reconnection = {Reconnection}, ReconnectionAttempts = {ReconnectionAttempts}, ReconnectionDelay = {ReconnectionDelay}, Timeout = {Timeout}, ");
        sb.Append(CultureInfo.InvariantCulture, $"SupportChannelBroadcast = {SupportChannelBroadcast}, DefaultChannels = [{string.Join(", ", DefaultChannels)}] }}");
        return sb.ToString();
    }
}
