using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;
using Notify.WebSocket.External;
using Notify.WebSocket.Handling;

namespace Notify.WebSocket;

/// <summary>
/// What every provider shares: argument checks, ids, the broadcast switch, metrics and logging of outcomes,
/// typed queries and the incoming-message stream. Subclasses only deliver.
/// </summary>
internal abstract class WebSocketProviderBase : IWebSocketProvider, IAsyncDisposable
{
    private const string UserTarget = "user";
    private const string ChannelTarget = "channel";
    private const int SubscriberBufferCapacity = 1024;

    private static readonly WebSocketNotificationError BroadcastDisabled = new(
        WebSocketErrorCodes.ChannelBroadcastDisabled,
        "Channel broadcasts are disabled for this provider; set supportChannelBroadcast to true to send to channels.",
        Retryable: false);

    /// <summary>How often each error code's failures may be logged; every failure is still counted in metrics.</summary>
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(1);

    /// <summary>Error codes come from a small fixed set, plus whatever a host's own gateway throws; past this many, they share one throttle.</summary>
    private const int MaxThrottledCodes = 32;

    private readonly ConcurrentDictionary<string, LogThrottle> _failureLogs = new(StringComparer.Ordinal);
    private int _disposed;

    protected WebSocketProviderBase(string tenantId, WebSocketProviderOptions options, TimeProvider timeProvider, ILogger logger)
    {
        TenantId = tenantId;
        Options = options;
        TimeProvider = timeProvider;
        Logger = logger;
        Incoming = new IncomingMessageFanout(SubscriberBufferCapacity);
    }

    public string TenantId { get; }

    public abstract WebSocketMode Mode { get; }

    public abstract WebSocketConnectionState State { get; }

    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    protected WebSocketProviderOptions Options { get; }

    protected TimeProvider TimeProvider { get; }

    protected ILogger Logger { get; }

    protected IncomingMessageFanout Incoming { get; }

    protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>How host data becomes JSON (set by the factory from <see cref="WebSocketNotificationsJsonOptions"/>).</summary>
    public JsonSerializerOptions PayloadSerializerOptions { get; set; } = DefaultJson;

    private static readonly JsonSerializerOptions DefaultJson = WebSocketNotificationsJsonOptions.Ready(WebSocketNotificationsJsonOptions.CreateDefault());

    public ValueTask<SendResult> SendAsync(NotificationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(message.Recipient, nameof(message));
        ArgumentNullException.ThrowIfNull(message.Content, nameof(message));
        var recipient = message.Recipient;
        var hasUser = !string.IsNullOrWhiteSpace(recipient.UserId);
        var hasChannel = !string.IsNullOrWhiteSpace(recipient.Channel);
        if (hasUser == hasChannel)
        {
            throw new ArgumentException(
                hasUser
                    ? "The recipient names both a userId and a channel; send to one of them."
                    : "The recipient names neither a userId nor a channel; set one of them.",
                nameof(message));
        }

        return Send(message.Id, hasChannel, hasChannel ? recipient.Channel! : recipient.UserId!, message.Content, cancellationToken);
    }

    public ValueTask<SendResult> SendToUserAsync(string userId, NotificationContent content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);

        // What SendAsync would check, without building a message only to take it apart again.
        ArgumentNullException.ThrowIfNull(content, "message");
        return Send(messageId: null, toChannel: false, userId, content, cancellationToken);
    }

    public ValueTask<SendResult> SendToChannelAsync(string channel, NotificationContent content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentNullException.ThrowIfNull(content, "message");
        return Send(messageId: null, toChannel: true, channel, content, cancellationToken);
    }

    public ValueTask<JsonElement> QueryAsync(QueryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Event, nameof(request));
        if (request.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(request), timeout, "A query timeout must be positive.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var effectiveTimeout = request.Timeout ?? TimeSpan.FromMilliseconds(Options.RequestTimeout);
        return NotifyWebSocketTelemetry.ActivitySource.HasListeners()
            ? QueryTracedAsync(request, effectiveTimeout, cancellationToken)
            : QueryCoreAsync(request, effectiveTimeout, cancellationToken);
    }

    public ValueTask<T?> QueryAsync<T>(QueryRequest request, CancellationToken cancellationToken = default)
    {
        JsonTypeInfo<T> typeInfo;
        try
        {
            typeInfo = (JsonTypeInfo<T>)PayloadSerializerOptions.GetTypeInfo(typeof(T));
        }
        catch (NotSupportedException ex)
        {
            throw PayloadSerializer.SerializationFailed(typeof(T), "query's response type", ex);
        }

        return this.QueryAsync(request, typeInfo, cancellationToken);
    }

    public abstract ValueTask<ProviderValidationResult> ValidateAsync(CancellationToken cancellationToken = default);

    public IAsyncEnumerable<IncomingMessage> ReceiveAsync(CancellationToken cancellationToken = default) =>
        Incoming.Subscribe(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await RetireAsync(TimeSpan.Zero).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Disposes the provider once the calls it already has are done (at most <paramref name="grace"/>): new calls are
    /// refused at once with <see cref="ObjectDisposedException"/>, which a registry handle answers by calling the
    /// provider that replaced this one.
    /// </summary>
    internal async ValueTask RetireAsync(TimeSpan grace)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Incoming.Complete();
        if (grace > TimeSpan.Zero)
        {
            await WhenIdleAsync(grace).ConfigureAwait(false);
        }

        await ReleaseResourcesAsync().ConfigureAwait(false);
    }

    protected abstract ValueTask<SendResult> SendToUserCoreAsync(string id, string userId, NotificationContent content, CancellationToken cancellationToken);

    protected abstract ValueTask<SendResult> SendToChannelCoreAsync(string id, string channel, NotificationContent content, CancellationToken cancellationToken);

    protected abstract ValueTask<JsonElement> QueryCoreAsync(QueryRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    protected virtual ValueTask ReleaseResourcesAsync() => ValueTask.CompletedTask;

    /// <summary>Raises <see cref="StateChanged"/>; a handler that throws is logged and does not stop the others.</summary>
    protected void OnStateChanged(ConnectionStateChangedEventArgs change) => RaiseStateChanged(StateChanged, this, change, Logger, TenantId);

    /// <summary>Calls each handler in turn; one that throws is logged and does not stop the others.</summary>
    internal static void RaiseStateChanged(EventHandler<ConnectionStateChangedEventArgs>? handlers, object sender, ConnectionStateChangedEventArgs change, ILogger logger, string source)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<ConnectionStateChangedEventArgs>>())
        {
            try
            {
                handler(sender, change);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.StateHandlerFailed(logger, ex, source);
            }
        }
    }

    /// <summary>Completes when no call is running (or after <paramref name="grace"/>); providers whose calls outlive their resources override it.</summary>
    protected virtual Task WhenIdleAsync(TimeSpan grace) => Task.CompletedTask;

    /// <summary>A version-7 UUID (time-ordered), laid out exactly as <see cref="Guid.CreateVersion7(DateTimeOffset)"/> does.</summary>
    protected string NewId()
    {
        // Guid.CreateVersion7 asks the OS for 16 random bytes per call: on Linux that is a getrandom syscall, about
        // half the cost of a whole send. The same CSPRNG bytes, fetched for many ids at once, cost nearly nothing.
        var unixMilliseconds = TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(unixMilliseconds, "timestamp");
        var random = IdRandomness.Next();
        var id = new Guid(
            (int)(unixMilliseconds >> 16),
            (short)unixMilliseconds,
            (short)((BinaryPrimitives.ReadUInt16LittleEndian(random) & 0x0FFF) | 0x7000),
            (byte)((random[2] & 0x3F) | 0x80),
            random[3],
            random[4],
            random[5],
            random[6],
            random[7],
            random[8],
            random[9]);
        return id.ToString("N");
    }

    /// <summary>A validated send to one user or one channel (<paramref name="name"/>).</summary>
    private ValueTask<SendResult> Send(string? messageId, bool toChannel, string name, NotificationContent content, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(IsDisposed, this);

        var id = string.IsNullOrEmpty(messageId) ? NewId() : messageId;
        var target = toChannel ? ChannelTarget : UserTarget;
        if (NotifyWebSocketTelemetry.ActivitySource.HasListeners())
        {
            return SendTracedAsync(id, target, toChannel, name, content, cancellationToken);
        }

        ValueTask<SendResult> pending;
        try
        {
            pending = SendCoreAsync(id, toChannel, name, content, cancellationToken);
        }
        catch (WebSocketNotificationException ex)
        {
            pending = new ValueTask<SendResult>(SendResult.Failed(id, TimeProvider.GetUtcNow(), ex.Error));
        }

        // Synchronously completed sends (the in-process gateway, a queued external send) skip the async state machine.
        return pending.IsCompletedSuccessfully
            ? new ValueTask<SendResult>(Record(target, pending.Result))
            : AwaitAndRecordAsync(id, target, pending);
    }

    private ValueTask<SendResult> SendCoreAsync(string id, bool toChannel, string name, NotificationContent content, CancellationToken cancellationToken)
    {
        if (!toChannel)
        {
            return SendToUserCoreAsync(id, name, content, cancellationToken);
        }

        return Options.SupportChannelBroadcast
            ? SendToChannelCoreAsync(id, name, content, cancellationToken)
            : new ValueTask<SendResult>(SendResult.Failed(id, TimeProvider.GetUtcNow(), BroadcastDisabled));
    }

    private async ValueTask<SendResult> AwaitAndRecordAsync(string id, string target, ValueTask<SendResult> pending)
    {
        try
        {
            return Record(target, await pending.ConfigureAwait(false));
        }
        catch (WebSocketNotificationException ex)
        {
            // Sends report failures, they do not throw them (for example data the serializer cannot convert).
            return Record(target, SendResult.Failed(id, TimeProvider.GetUtcNow(), ex.Error));
        }
    }

    /// <summary>
    /// The send inside a <c>notify.websocket.send</c> activity. An async method of its own, so the activity made
    /// current here never leaks into the caller's context.
    /// </summary>
    private async ValueTask<SendResult> SendTracedAsync(string id, string target, bool toChannel, string name, NotificationContent content, CancellationToken cancellationToken)
    {
        using var activity = NotifyWebSocketTelemetry.ActivitySource.StartActivity("notify.websocket.send", ActivityKind.Producer);
        activity?.SetTag(NotifyWebSocketTelemetry.TenantTag, TenantId);
        activity?.SetTag(NotifyWebSocketTelemetry.ModeTag, Mode == WebSocketMode.Internal ? "internal" : "external");
        activity?.SetTag(NotifyWebSocketTelemetry.TargetTag, target);
        activity?.SetTag("notify.websocket.message_id", id);
        SendResult result;
        try
        {
            result = Record(target, await SendCoreAsync(id, toChannel, name, content, cancellationToken).ConfigureAwait(false));
        }
        catch (WebSocketNotificationException ex)
        {
            result = Record(target, SendResult.Failed(id, TimeProvider.GetUtcNow(), ex.Error));
        }

        if (!result.Success)
        {
            activity?.SetTag(NotifyWebSocketTelemetry.ErrorTag, result.Error!.Code);
            activity?.SetStatus(ActivityStatusCode.Error, result.Error!.Message);
        }

        return result;
    }

    private async ValueTask<JsonElement> QueryTracedAsync(QueryRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var activity = NotifyWebSocketTelemetry.ActivitySource.StartActivity("notify.websocket.query", ActivityKind.Client);
        activity?.SetTag(NotifyWebSocketTelemetry.TenantTag, TenantId);
        activity?.SetTag("notify.websocket.event", request.Event);
        try
        {
            return await QueryCoreAsync(request, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketNotificationException ex)
        {
            activity?.SetTag(NotifyWebSocketTelemetry.ErrorTag, ex.Code);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    private SendResult Record(string target, SendResult result)
    {
        if (result.Success)
        {
            // Tags are only built when someone listens: the send path stays allocation-light without a collector.
            if (NotifyWebSocketTelemetry.MessagesSent.Enabled)
            {
                NotifyWebSocketTelemetry.MessagesSent.Add(1, NotifyWebSocketTelemetry.Tags(TenantId, Mode, target));
            }
        }
        else
        {
            var tags = NotifyWebSocketTelemetry.Tags(TenantId, Mode, target);
            tags.Add(NotifyWebSocketTelemetry.ErrorTag, result.Error!.Code);
            NotifyWebSocketTelemetry.MessagesFailed.Add(1, tags);
            if (FailureLog(result.Error.Code).TryEnter(out var suppressed))
            {
                Log.SendFailed(Logger, result.MessageId, TenantId, result.Error.Code, result.Error.Message, suppressed);
            }
        }

        return result;
    }

    /// <summary>
    /// Failures come in floods exactly when something is wrong (a rate limit, an outage): each error code of this
    /// provider (so of its tenant) is logged at most once a second, with the number held back since.
    /// </summary>
    private LogThrottle FailureLog(string code)
    {
        if (_failureLogs.TryGetValue(code, out var throttle))
        {
            return throttle;
        }

        var key = _failureLogs.Count < MaxThrottledCodes ? code : string.Empty;
        return _failureLogs.GetOrAdd(key, static (_, time) => new LogThrottle(time, FailureLogInterval), TimeProvider);
    }

    /// <summary>Cryptographically random bytes for ids, drawn from the OS in blocks and handed out ten at a time, per thread.</summary>
    private static class IdRandomness
    {
        private const int BytesPerId = 10;
        private const int Block = BytesPerId * 256;

        [ThreadStatic]
        private static byte[]? t_block;

        [ThreadStatic]
        private static int t_offset;

        public static ReadOnlySpan<byte> Next()
        {
            var block = t_block ??= new byte[Block];
            var offset = t_offset;
            if (offset == 0)
            {
                RandomNumberGenerator.Fill(block);
            }

            t_offset = offset + BytesPerId == Block ? 0 : offset + BytesPerId;
            return block.AsSpan(offset, BytesPerId);
        }
    }
}
