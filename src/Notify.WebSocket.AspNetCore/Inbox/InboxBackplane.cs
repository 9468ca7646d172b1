using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.WebSocket.AspNetCore.Diagnostics;
using Notify.WebSocket.AspNetCore.ScaleOut;
using StackExchange.Redis;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>
/// Carries the inbox between instances over the scale-out Redis: every batch an instance stores is published (before its
/// sends return) on <c>{channelPrefix}:inbox</c>, and every instance hands the others' to its followers, in the order
/// received; inbox changes go the same way. Followers put what arrives out of order back in order from the store, and
/// when the Redis connection comes back every follower reads the store, so broadcasts lost meanwhile still arrive, and
/// every user connected here is told to read their inbox again (<see cref="InboxChangeKind.Refresh"/>), for the read
/// state changed meanwhile. An instance that could not subscribe at start keeps trying, and once subscribed does both
/// too. A batch or change this instance could not publish (its own connection was down, or Redis timed out while the
/// others stayed connected and would never learn) is announced once Redis takes a publish again: the streams it held
/// and the users whose read state changed, or all of them after <see cref="MaxMissedStreams"/>; every instance's
/// followers of those streams read the store, and those users' connections are refreshed.
/// </summary>
internal sealed class InboxBackplane(GatewayRedis redis, GatewayInbox inbox, IOptions<SignalRGatewayOptions> options, TimeProvider timeProvider, ILogger<InboxBackplane> logger)
    : IHostedService, IDisposable
{
    /// <summary>Beyond this many streams a failed publish announces "every stream" instead of its list.</summary>
    internal const int MaxMissedStreams = 1024;

    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly LogThrottle _failureLog = new(timeProvider, options.Value.LogThrottleInterval);
    private readonly RedisChannel _channel = RedisChannel.Literal(redis.Options.ChannelPrefix + ":inbox");
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _missedGate = new();
    private readonly InboxRefresher _refresher = new(inbox.UsersHere, inbox.RefreshAsync, timeProvider, logger, options.Value.LogThrottleInterval);
    private readonly CappedStreamSet _missed = new(MaxMissedStreams);
    private readonly CappedStreamSet _missedChanges = new(MaxMissedStreams);
    private Task _announcing = Task.CompletedTask;
    private RedisSubscription? _subscription;
    private IConnectionMultiplexer? _connection;

    /// <summary>Whether the subscription to the other instances is in place (for tests that wait for it).</summary>
    internal bool IsSubscribed => _subscription?.IsSubscribed == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _connection = await redis.ConnectAsync().ConfigureAwait(false);
        _connection.ConnectionRestored += OnRestored;

        // While Redis has not taken it, this instance serves its own sends live; once it has, the other instances'
        // broadcasts made before did not reach this one, and a follower only notices a missed one when a later one
        // arrives: every follower reads the store.
        _subscription = new RedisSubscription(_connection, _channel, message => Receive(message.Message), timeProvider)
        {
            Failed = Failed,
            SubscribedLate = attempts =>
            {
                Log.InboxBackplaneSubscribed(logger, _channel.ToString(), attempts);
                CatchUpEverything();
            },
        };
        await _subscription.StartAsync().ConfigureAwait(false);

        inbox.Backplane = this;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_subscription is { } subscription)
        {
            await subscription.StopAsync().ConfigureAwait(false);
        }

        Task announcing;
        lock (_missedGate)
        {
            announcing = _announcing;
        }

        await announcing.ConfigureAwait(false);
        await _refresher.StopAsync().ConfigureAwait(false);
        inbox.Backplane = null;
        if (_connection is not null)
        {
            _connection.ConnectionRestored -= OnRestored;
        }
    }

    public void Dispose()
    {
        // Also ends the subscribing when the host never stopped this backplane (a later service failed to start).
        _stopping.Cancel();
        _stopping.Dispose();
        _subscription?.Dispose();
        _refresher.Dispose();
    }

    /// <summary>
    /// Publishes a stored batch; a failure is logged (throttled), never thrown: the notifications are stored, and their
    /// streams are announced to the other instances once a publish goes through again.
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<JournalEntry> entries)
    {
        var message = Write(writer =>
        {
            writer.WriteStartArray("n"u8);
            foreach (var entry in entries)
            {
                writer.WriteStartObject();
                writer.WriteString("s"u8, entry.Notification.Stream);
                writer.WriteNumber("p"u8, entry.Position);
                writer.WritePropertyName("d"u8);
                writer.WriteRawValue(entry.Json.Span, skipInputValidation: true);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
        if (!await PublishAsync(message).ConfigureAwait(false))
        {
            Missed(_missed, entries.Select(entry => entry.Notification.Stream!));
        }
    }

    /// <summary>Publishes an inbox change, in the background; one that fails is announced like a batch (its user's connections elsewhere are refreshed).</summary>
    public void PublishChange(string tenantId, string userId, InboxChange change) => _ = PublishChangeAsync(tenantId, userId, change);

    private async Task PublishChangeAsync(string tenantId, string userId, InboxChange change)
    {
        var message = Write(writer =>
        {
            writer.WriteString("t"u8, tenantId);
            writer.WriteString("u"u8, userId);
            writer.WritePropertyName("c"u8);
            JsonSerializer.Serialize(writer, change, InboxJsonContext.Default.InboxChange);
        });
        if (!await PublishAsync(message).ConfigureAwait(false))
        {
            Missed(_missedChanges, [NotificationStreamId.ForUser(tenantId, userId).ToString()]);
        }
    }

    /// <summary>Publishes; false (logged, throttled) when Redis did not take it. A Redis timeout is a <see cref="TimeoutException"/>, not a <see cref="RedisException"/>.</summary>
    private async Task<bool> PublishAsync(byte[] message)
    {
        try
        {
            await (_connection ?? await redis.ConnectAsync().ConfigureAwait(false)).GetSubscriber().PublishAsync(_channel, message).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(ex);
            return false;
        }
    }

    /// <summary>Notes streams the other instances may have missed a batch or a change of (in <paramref name="set"/>); one loop announces them.</summary>
    private void Missed(CappedStreamSet set, IEnumerable<string> streams)
    {
        lock (_missedGate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return; // stopping: the other instances catch up when this one's clients reconnect there
            }

            set.Add(streams);
            if (_announcing.IsCompleted)
            {
                _announcing = AnnounceMissedAsync(_stopping.Token);
            }
        }
    }

    /// <summary>Publishes the missed streams with a capped backoff until Redis takes it (or the host stops); what fails again is kept for the next attempt.</summary>
    private async Task AnnounceMissedAsync(CancellationToken stopping)
    {
        var delay = RedisSubscription.FirstRetryDelay;
        while (true)
        {
            try
            {
                await Task.Delay(delay, timeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            (IReadOnlyCollection<string> Streams, bool All) streams, changes;
            lock (_missedGate)
            {
                (streams, changes) = (_missed.Take(), _missedChanges.Take());
            }

            // "m" is always written: an instance of the version before "r" then reads the announcement as it did.
            var message = Write(writer =>
            {
                WriteStreams(writer, "m"u8, streams);
                if (changes.All || changes.Streams.Count > 0)
                {
                    WriteStreams(writer, "r"u8, changes);
                }
            });
            var published = await PublishAsync(message).ConfigureAwait(false);
            lock (_missedGate)
            {
                if (!published)
                {
                    _missed.Add(streams);
                    _missedChanges.Add(changes);
                    delay = RedisSubscription.Longer(delay);
                    continue;
                }

                if (_missed.IsEmpty && _missedChanges.IsEmpty)
                {
                    _announcing = Task.CompletedTask;
                    return;
                }

                delay = RedisSubscription.FirstRetryDelay;
            }
        }
    }

    /// <summary>Writes a property: the stream ids, or true for every stream.</summary>
    private static void WriteStreams(Utf8JsonWriter writer, ReadOnlySpan<byte> name, (IReadOnlyCollection<string> Streams, bool All) streams)
    {
        if (streams.All)
        {
            writer.WriteBoolean(name, true);
            return;
        }

        writer.WriteStartArray(name);
        foreach (var stream in streams.Streams)
        {
            writer.WriteStringValue(stream);
        }

        writer.WriteEndArray();
    }

    private void Receive(RedisValue message)
    {
        try
        {
            using var document = JsonDocument.Parse((ReadOnlyMemory<byte>)message);
            var root = document.RootElement;
            if (root.GetProperty("i").ValueEquals(_instance))
            {
                return; // this instance's own: already delivered here
            }

            if (root.TryGetProperty("n", out var notifications))
            {
                foreach (var entry in notifications.EnumerateArray())
                {
                    if (NotificationStreamId.TryParse(entry.GetProperty("s").GetString(), out var stream)
                        && entry.GetProperty("d").Deserialize(InboxJsonContext.Default.NotificationPayload) is { } payload)
                    {
                        inbox.DeliverRemote(stream, payload with { Stream = stream.ToString(), Position = entry.GetProperty("p").GetInt64() });
                    }
                }
            }
            else if (root.TryGetProperty("m", out var missed))
            {
                CatchUp(missed);
                if (root.TryGetProperty("r", out var changed))
                {
                    Refresh(changed);
                }
            }
            else if (root.GetProperty("c").Deserialize(InboxJsonContext.Default.InboxChange) is { } change)
            {
                inbox.ChangeRemote(root.GetProperty("t").GetString()!, root.GetProperty("u").GetString()!, change);
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            Failed(ex);
        }
    }

    /// <summary>Another instance could not publish batches of these streams (true: of more streams than it lists): their followers here read the store.</summary>
    private void CatchUp(JsonElement missed)
    {
        if (missed.ValueKind == JsonValueKind.True)
        {
            inbox.CatchUpAll();
            return;
        }

        foreach (var id in missed.EnumerateArray())
        {
            if (NotificationStreamId.TryParse(id.GetString(), out var stream))
            {
                inbox.CatchUp(stream);
            }
        }
    }

    /// <summary>Another instance could not publish read-state changes of these users (true: of more users than it lists): their connections here are refreshed.</summary>
    private void Refresh(JsonElement changed)
    {
        if (changed.ValueKind == JsonValueKind.True)
        {
            _refresher.RefreshAll();
        }
        else
        {
            _refresher.Refresh(changed.EnumerateArray().Select(id => id.GetString() ?? string.Empty).ToList());
        }
    }

    /// <summary>This instance may have missed any broadcast and any change: every follower reads the store, every user here is refreshed.</summary>
    private void CatchUpEverything()
    {
        inbox.CatchUpAll();
        _refresher.RefreshAll();
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e) => _ = CatchUpAfterRestoreAsync(e.ConnectionType);

    /// <summary>
    /// Has every follower read the store after a reconnect. StackExchange.Redis sends the SUBSCRIBE again without waiting
    /// before it reports the connection restored: a read of the store before Redis took it could miss a broadcast made
    /// in between. Redis answers a connection's commands in order, so once a PING on the subscription connection is
    /// answered, the subscription is in place.
    /// </summary>
    private async Task CatchUpAfterRestoreAsync(ConnectionType restored)
    {
        if (restored == ConnectionType.Subscription)
        {
            try
            {
                await _connection!.GetSubscriber().PingAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
            {
                // Gone again (or stopping): the next restore catches up.
            }
        }

        CatchUpEverything();
    }

    private void Failed(Exception exception)
    {
        if (_failureLog.TryEnter(out var suppressed))
        {
            Log.InboxBackplaneFailed(logger, exception, suppressed);
        }
    }

    private byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("i"u8, _instance);
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
