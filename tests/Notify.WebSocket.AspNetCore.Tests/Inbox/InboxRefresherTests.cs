using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.AspNetCore.Inbox;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Inbox;

/// <summary>
/// The loop that tells users' connections to read their inbox again after a backplane outage, through its two seams
/// (the users here, the refresh of one), on a fake clock that moves only when the test moves it.
/// </summary>
public sealed class InboxRefresherTests : IDisposable
{
    private static readonly NotificationStreamId Alice = NotificationStreamId.ForUser("1", "alice");
    private static readonly NotificationStreamId Bob = NotificationStreamId.ForUser("1", "bob");
    private static readonly NotificationStreamId Carol = NotificationStreamId.ForUser("2", "carol");

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ConcurrentQueue<NotificationStreamId> _refreshed = new();
    private readonly ConcurrentDictionary<NotificationStreamId, int> _attempts = new();
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NotificationStreamId[] _usersHere = [Alice, Bob, Carol];
    private Func<NotificationStreamId, int, WebSocketNotificationException?> _failure = (_, _) => null;
    private InboxRefresher? _refresher;

    private InboxRefresher Refresher => _refresher ??= new InboxRefresher(() => _usersHere, RefreshAsync, _clock, NullLogger.Instance, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task RefreshAll_RefreshesEveryUserConnectedHere()
    {
        Refresher.RefreshAll();

        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => _refreshed.Count == 3, "three users refreshed");
        Assert.Equal([Alice, Bob, Carol], _refreshed);
    }

    [Fact]
    public async Task Refresh_ByStreamIds_RefreshesUsersOnly()
    {
        Refresher.Refresh(["t:1:channel:alerts", "not a stream id", Alice.ToString()]);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => _refreshed.Contains(Alice), "alice refreshed");

        // Bob's round starts after the first one ended: anything else the first one refreshed is before him.
        Refresher.Refresh([Bob.ToString()]);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => _refreshed.Contains(Bob), "bob refreshed");

        Assert.Equal([Alice, Bob], _refreshed);
    }

    [Fact]
    public async Task StoreDown_WaitsOutTheBackoff_ThenRefreshesTheUsersNotDone()
    {
        _failure = (user, attempt) => user == Bob && attempt == 1 ? Unavailable() : null;

        Refresher.RefreshAll();
        await _failed.Task.WaitAsync(GatewayClient.Timeout);

        // Only the clock ends the backoff: until it moves, Carol waits behind Bob.
        Assert.Equal([Alice], _refreshed);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(
            () =>
            {
                _clock.Advance(TimeSpan.FromMilliseconds(100));
                return _refreshed.Count == 3;
            },
            "bob and carol refreshed after the backoff");
        Assert.Equal([Alice, Bob, Carol], _refreshed);
        Assert.Equal(2, _attempts[Bob]);
        Assert.Equal(1, _attempts[Alice]);
    }

    [Fact]
    public async Task AFailureThatIsNotAnOutage_SkipsThatUser_WithoutRetrying()
    {
        _failure = (user, _) => user == Bob ? new WebSocketNotificationException(WebSocketErrorCodes.NotConfigured, "legacy tables", retryable: false) : null;

        Refresher.RefreshAll();
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => _refreshed.Count == 2, "alice and carol refreshed");
        _clock.Advance(TimeSpan.FromMinutes(1));

        // A retry of Bob would be pending now: it would run before Dave's refresh or in the same round, which stopping
        // lets finish.
        var dave = NotificationStreamId.ForUser("1", "dave");
        _usersHere = [.. _usersHere, dave];
        Refresher.Refresh([dave.ToString()]);
        await Notify.WebSocket.Testing.Eventually.TrueAsync(() => _refreshed.Contains(dave), "dave refreshed");
        await Refresher.StopAsync().WaitAsync(GatewayClient.Timeout);

        Assert.Equal([Alice, Carol, dave], _refreshed);
        Assert.Equal(1, _attempts[Bob]);
    }

    [Fact]
    public async Task StopAsync_EndsALoopWaitingOutABackoff()
    {
        _failure = (_, _) => Unavailable();
        Refresher.RefreshAll();
        await _failed.Task.WaitAsync(GatewayClient.Timeout);

        await Refresher.StopAsync().WaitAsync(GatewayClient.Timeout);

        Refresher.RefreshAll(); // stopped: ignored
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, _attempts[Alice]);
        Assert.Empty(_refreshed);
    }

    public void Dispose() => _refresher?.Dispose();

    private static WebSocketNotificationException Unavailable() =>
        new(WebSocketErrorCodes.StoreUnavailable, "The notification store is unavailable.", retryable: true);

    private Task RefreshAsync(NotificationStreamId user, CancellationToken cancellationToken)
    {
        var attempt = _attempts.AddOrUpdate(user, 1, (_, n) => n + 1);
        if (_failure(user, attempt) is { } failure)
        {
            _failed.TrySetResult();
            return Task.FromException(failure);
        }

        _refreshed.Enqueue(user);
        return Task.CompletedTask;
    }
}
