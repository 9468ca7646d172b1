using System.Text.Json;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Handling;
using Notify.WebSocket.Registry;

namespace Notify.WebSocket.External;

/// <summary>
/// External mode for one tenant, over a pooled connection it shares with every provider of the same endpoint and
/// identity. Sends, queries and channel joins go through the connection; incoming events it subscribed to reach
/// <see cref="IWebSocketProvider.ReceiveAsync(CancellationToken)"/> and the tenant's handling strategies.
/// </summary>
internal sealed class ExternalProvider : WebSocketProviderBase, IIncomingSubscriber
{
    private static readonly JsonElement NoData = JsonElement.Parse("null");

    private readonly ConnectionLease<ExternalConnection> _lease;
    private readonly ExternalConnection _connection;
    private readonly IncomingPipeline? _pipeline;
    private readonly HashSet<string> _subscribedEvents;
    private readonly MessageSource _source;
    private readonly TimeSpan _ackTimeout;
    private readonly Task _joinDefaultChannels;
    private TaskCompletionSource? _idle;
    private int _inFlight;
    private WebSocketConnectionState _previousState;

    public ExternalProvider(string tenantId, WebSocketProviderOptions options, ConnectionLease<ExternalConnection> lease, IncomingPipeline? pipeline, TimeProvider timeProvider, ILogger logger)
        : base(tenantId, options, timeProvider, logger)
    {
        _lease = lease;
        _connection = lease.Connection;
        _pipeline = pipeline;
        if (pipeline is not null)
        {
            pipeline.Durable = Incoming.Publish;
        }
        _subscribedEvents = new HashSet<string>(options.SubscribeToEvents, StringComparer.Ordinal) { options.CustomEvents.IncomingMessage };
        _source = new MessageSource { Url = SecretRedactor.RedactUrl(options.Url), Protocol = _connection.Protocol };
        _ackTimeout = TimeSpan.FromMilliseconds(options.AcknowledgmentTimeout);
        if (options.EnableReceiving)
        {
            _connection.Subscribe(this);
        }

        _previousState = _connection.State;
        _connection.Transitioned += OnTransition;

        _joinDefaultChannels = options.DefaultChannels.Count > 0
            ? _connection.JoinChannelsAsync(options.DefaultChannels).AsTask()
            : Task.CompletedTask;
    }

    public override WebSocketMode Mode => WebSocketMode.External;

    public override WebSocketConnectionState State => IsDisposed ? WebSocketConnectionState.Disposed : _connection.State;

    /// <summary>The incoming pipeline of this provider's strategies, if it has any.</summary>
    internal IncomingPipeline? Pipeline => _pipeline;

    /// <summary>The pooled connection this provider sends through (shared with every provider of the same endpoint and identity).</summary>
    internal ExternalConnection Connection => _connection;

    public override async ValueTask<ProviderValidationResult> ValidateAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(Options.Timeout), TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            return await _connection.WaitUntilConnectedAsync(linked.Token).ConfigureAwait(false)
                ? ProviderValidationResult.Valid
                : ProviderValidationResult.Invalid(_connection.Failure ?? ExternalErrors.Closed);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ProviderValidationResult.Invalid(ExternalErrors.ConnectTimeout);
        }
    }

    public ValueTask<IncomingOutcome> OnIncomingAsync(IncomingFrame frame, IncomingAcknowledgment? acknowledgment)
    {
        if (!_subscribedEvents.Contains(frame.Event))
        {
            return new ValueTask<IncomingOutcome>(IncomingOutcome.NotSubscribed);
        }

        var message = new IncomingMessage
        {
            Id = frame.Id ?? NewId(),
            Event = frame.Event,
            Data = frame.Data,
            Timestamp = TimeProvider.GetUtcNow(),
            TenantId = TenantId,
            Source = _source,
            Metadata = frame.ServerTimestamp is { } serverTimestamp
                ? new FixedMetadata<string>("serverTimestamp", serverTimestamp)
                : EmptyMetadata,
        };

        // With strategies, ReceiveAsync sees a message once the spool has it (Durable), as the strategies do.
        if (_pipeline is null)
        {
            Incoming.Publish(message);
            return new ValueTask<IncomingOutcome>(IncomingOutcome.Taken);
        }

        var accepting = _pipeline.EnqueueAsync(message, acknowledgment);
        return accepting.IsCompletedSuccessfully ? new ValueTask<IncomingOutcome>(Outcome(accepting.Result)) : AwaitAcceptedAsync(accepting);

        static IncomingOutcome Outcome(bool accepted) => accepted ? IncomingOutcome.Taken : IncomingOutcome.Refused;

        static async ValueTask<IncomingOutcome> AwaitAcceptedAsync(ValueTask<bool> accepting) => Outcome(await accepting.ConfigureAwait(false));
    }

    protected override ValueTask<SendResult> SendToUserCoreAsync(string id, string userId, NotificationContent content, CancellationToken cancellationToken)
    {
        Enter();
        return SendEventAsync(id, Options.CustomEvents.Notification, NotificationRecipient.ForUser(userId), content, roomField: null, cancellationToken);
    }

    protected override ValueTask<SendResult> SendToChannelCoreAsync(string id, string channel, NotificationContent content, CancellationToken cancellationToken)
    {
        Enter();
        return SendEventAsync(id, Options.CustomEvents.ChannelBroadcast, NotificationRecipient.ForChannel(channel), content, Options.Envelope.Room, cancellationToken);
    }

    protected override ValueTask<JsonElement> QueryCoreAsync(QueryRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!Options.EnableRequestResponse)
        {
            throw new WebSocketNotificationException(
                WebSocketErrorCodes.NotConfigured,
                "Request-response is disabled for this provider; set enableRequestResponse to true to use QueryAsync.",
                retryable: false);
        }

        Enter();
        return QueryConnectionAsync(request, timeout, cancellationToken);
    }

    protected override async Task WhenIdleAsync(TimeSpan grace)
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _idle, idle);
        if (Volatile.Read(ref _inFlight) == 0)
        {
            return;
        }

        await idle.Task.WaitAsync(grace, TimeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    protected override async ValueTask ReleaseResourcesAsync()
    {
        _connection.Transitioned -= OnTransition;
        _connection.Unsubscribe(this);
        await _joinDefaultChannels.ConfigureAwait(false);
        if (Options.DefaultChannels.Count > 0)
        {
            // Counted whatever the state: the socket leaves now if connected, and never rejoins them.
            await _connection.LeaveChannelsAsync(Options.DefaultChannels).ConfigureAwait(false);
        }

        if (_pipeline is not null)
        {
            await _pipeline.DisposeAsync().ConfigureAwait(false);
        }

        await _lease.DisposeAsync().ConfigureAwait(false);
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();

    /// <summary>Transitions are delivered one at a time, in order, so the previous state needs no lock.</summary>
    private void OnTransition(ConnectionTransition transition)
    {
        var previous = _previousState;
        _previousState = transition.State;
        OnStateChanged(new ConnectionStateChangedEventArgs(previous, transition.State, transition.Attempt, transition.Delay, transition.Error));
    }

    /// <summary>
    /// Counts a call that will use the connection. Refused synchronously once the provider is being retired, so a
    /// registry handle makes the call again on the provider that replaced this one.
    /// </summary>
    private void Enter()
    {
        Interlocked.Increment(ref _inFlight);
        if (IsDisposed)
        {
            Exit();
            throw new ObjectDisposedException(nameof(ExternalProvider));
        }
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            Volatile.Read(ref _idle)?.TrySetResult();
        }
    }

    private async ValueTask<JsonElement> QueryConnectionAsync(QueryRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var message = new OutgoingMessage(OutgoingKind.Query, request.Event, PayloadSerializer.Value(request.Data, PayloadSerializerOptions), NewId(), requiresAck: false);
            var response = await _connection.QueryAsync(message, timeout, cancellationToken).ConfigureAwait(false);

            // A response with no data (no "data" field, a Socket.IO callback called with no argument) is JSON null, not
            // an undefined element whose every read throws.
            return response.ValueKind == JsonValueKind.Undefined ? NoData : response;
        }
        finally
        {
            Exit();
        }
    }

    private async ValueTask<SendResult> SendEventAsync(string id, string eventName, NotificationRecipient recipient, NotificationContent content, string? roomField, CancellationToken cancellationToken)
    {
        try
        {
            var data = PayloadSerializer.Notification(id, recipient, content, TimeProvider.GetUtcNow(), roomField, PayloadSerializerOptions);
            var acks = Options.EnableAcknowledgments;
            var message = new OutgoingMessage(OutgoingKind.Event, eventName, data, acks ? id : null, acks);
            var error = await _connection.SendAsync(message, _ackTimeout, cancellationToken).ConfigureAwait(false);
            return error is null
                ? SendResult.Succeeded(id, TimeProvider.GetUtcNow(), acks ? AcknowledgedMetadata : SentMetadata)
                : SendResult.Failed(id, TimeProvider.GetUtcNow(), error);
        }
        finally
        {
            Exit();
        }
    }

    private static readonly IReadOnlyDictionary<string, object?> AcknowledgedMetadata =
        new Dictionary<string, object?>(StringComparer.Ordinal) { ["mode"] = "external", ["acknowledged"] = true };

    private static readonly IReadOnlyDictionary<string, object?> SentMetadata =
        new Dictionary<string, object?>(StringComparer.Ordinal) { ["mode"] = "external", ["acknowledged"] = false };
}
