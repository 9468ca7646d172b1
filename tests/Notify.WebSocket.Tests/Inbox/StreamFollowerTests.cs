using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.Inbox.Delivery;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>A stream follower on its own, against a real SQLite store whose reads the test can hold.</summary>
public sealed class StreamFollowerTests
{
    [Fact]
    public async Task CatchUpNow_WhileAReplayIsReading_ReadsAgainBeforeGoingLive_NothingStoredMeanwhileIsLost()
    {
        await using var database = StoreUnderTest.Sqlite();
        var store = new HeldReadStore(await database.OpenAsync());
        await using var journal = new NotificationJournal(
            store, "sqlite", database.Options, WebSocketNotificationsJsonOptions.CreateDefault(), TimeProvider.System, NullLogger<NotificationJournal>.Instance);
        var stream = NotificationStreamId.ForUser("1", "alice");

        // The journal has no listeners: what it stores is never offered to the follower, as when another instance's
        // broadcasts do not reach this one (Redis was away, or this instance was not subscribed yet).
        await journal.AppendAsync(stream, Payload("one"), TestContext.Current.CancellationToken);
        var output = new RecordingOutput();
        var follower = StreamFollower.Replaying(stream, output, journal, batchSize: 16, TimeProvider.System, NullLogger.Instance);
        var held = store.HoldNextRead();
        var replay = follower.ReplayAsync(position: 0, floor: 0);
        await held.Read.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The replay has read position 1 only; 2 is stored now, and then the backplane asks every follower to read the
        // store (its subscription is back).
        await journal.AppendAsync(stream, Payload("two"), TestContext.Current.CancellationToken);
        follower.CatchUpNow();
        held.Release();
        await replay.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal([1L, 2L], output.Positions());
    }

    [Fact]
    public async Task CatchUpNow_OfAFollowerWithoutAPosition_ReadsWhatWasStoredAfterItJoined_NotTheHistoryBefore()
    {
        await using var database = StoreUnderTest.Sqlite();
        await using var journal = new NotificationJournal(
            await database.OpenAsync(), "sqlite", database.Options, WebSocketNotificationsJsonOptions.CreateDefault(), TimeProvider.System, NullLogger<NotificationJournal>.Instance);
        var stream = NotificationStreamId.ForUser("1", "alice");
        await journal.AppendAsync(stream, Payload("history"), TestContext.Current.CancellationToken);
        var output = new RecordingOutput();
        var follower = StreamFollower.Live(stream, output, journal, batchSize: 16, TimeProvider.System, NullLogger.Instance);
        new FollowerIndex().Add(follower);
        await follower.Joined.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // Stored after it joined and never offered to it (the journal has no listeners), as another instance's broadcast
        // lost while Redis was away; then the backplane, subscribed again, asks every follower to read the store.
        await journal.AppendAsync(stream, Payload("missed"), TestContext.Current.CancellationToken);
        follower.CatchUpNow();
        await output.WrittenAsync(count: 1).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // A catch-up reads in order: had it started before the join, position 1 would have come first.
        Assert.Equal([2L], output.Positions());
    }

    /// <summary>
    /// Two instances store into one stream at about the same time: this one's notification (position 3) reaches the
    /// follower at once, the other's (1 and 2, stored first) later through Redis. The follower took the first one
    /// offered as its start and dropped 1 and 2 for good (outside trial G, with 200 clients on two instances).
    /// </summary>
    [Fact]
    public async Task AFollowerWithoutAPosition_OfferedALaterPositionFirst_DeliversEverythingAfterItsJoin_InOrder()
    {
        await using var database = StoreUnderTest.Sqlite();
        await using var journal = new NotificationJournal(
            await database.OpenAsync(), "sqlite", database.Options, WebSocketNotificationsJsonOptions.CreateDefault(), TimeProvider.System, NullLogger<NotificationJournal>.Instance);
        var stream = NotificationStreamId.ForUser("1", "alice");
        var output = new RecordingOutput();
        var follower = StreamFollower.Live(stream, output, journal, batchSize: 16, TimeProvider.System, NullLogger.Instance);
        new FollowerIndex().Add(follower);
        await follower.Joined.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var stored = await StoreAsync(journal, stream, "other instance 1", "other instance 2", "this instance");

        follower.Offer(stored[2]);
        follower.Offer(stored[0]);
        follower.Offer(stored[1]);
        await output.WrittenAsync(count: 3).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal([1L, 2L, 3L], output.Positions());
    }

    /// <summary>Offered before the head it joins at is known: held, then what follows that head, in order, once each.</summary>
    [Fact]
    public async Task AFollowerWithoutAPosition_OfferedBeforeItsJoinIsKnown_DeliversWhatFollowsTheHead_InOrder()
    {
        await using var database = StoreUnderTest.Sqlite();
        var store = new HeldBoundsStore(await database.OpenAsync());
        await using var journal = new NotificationJournal(
            store, "sqlite", database.Options, WebSocketNotificationsJsonOptions.CreateDefault(), TimeProvider.System, NullLogger<NotificationJournal>.Instance);
        var stream = NotificationStreamId.ForUser("1", "alice");
        await StoreAsync(journal, stream, "history");
        var output = new RecordingOutput();
        var follower = StreamFollower.Live(stream, output, journal, batchSize: 16, TimeProvider.System, NullLogger.Instance);
        var held = store.HoldNextBounds();
        new FollowerIndex().Add(follower);
        await held.Read.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The head read says 1; 2 and 3 are stored and offered (3 first) before the read returns.
        var stored = await StoreAsync(journal, stream, "two", "three");
        follower.Offer(stored[1]);
        follower.Offer(stored[0]);
        held.Release();
        await output.WrittenAsync(count: 2).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal([2L, 3L], output.Positions());
    }

    /// <summary>
    /// A notification stored and offered while the head is read is at or below that head, and is still delivered: it
    /// was stored once the connection followed the stream (a host that sends as soon as a client is connected).
    /// </summary>
    [Fact]
    public async Task AFollowerWithoutAPosition_OfferedWhileItsHeadIsRead_DeliversWhatItWasOffered()
    {
        await using var database = StoreUnderTest.Sqlite();
        var store = new HeldBoundsStore(await database.OpenAsync());
        await using var journal = new NotificationJournal(
            store, "sqlite", database.Options, WebSocketNotificationsJsonOptions.CreateDefault(), TimeProvider.System, NullLogger<NotificationJournal>.Instance);
        var stream = NotificationStreamId.ForUser("1", "alice");
        var stored = await StoreAsync(journal, stream, "before it followed", "sent once it followed");
        var output = new RecordingOutput();
        var follower = StreamFollower.Live(stream, output, journal, batchSize: 16, TimeProvider.System, NullLogger.Instance);
        var held = store.HoldNextBounds();
        new FollowerIndex().Add(follower);
        await held.Read.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The head read says 2; position 2 is offered before the read returns.
        follower.Offer(stored[1]);
        held.Release();
        await output.WrittenAsync(count: 1).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await follower.Joined.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal([2L], output.Positions());
    }

    /// <summary>Stores the notifications in order and returns them as the store has them (with their positions).</summary>
    private static async Task<IReadOnlyList<NotificationPayload>> StoreAsync(NotificationJournal journal, NotificationStreamId stream, params string[] subjects)
    {
        var positions = new List<long>();
        foreach (var subject in subjects)
        {
            positions.Add((await journal.AppendAsync(stream, Payload(subject), TestContext.Current.CancellationToken)).Position);
        }

        var read = await journal.ReadAsync(stream, positions[0] - 1, subjects.Length, TestContext.Current.CancellationToken);
        return read;
    }

    private static NotificationPayload Payload(string subject) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Subject = subject,
        Recipient = new PayloadRecipient { UserId = "alice" },
        Timestamp = DateTimeOffset.UtcNow,
    };

    /// <summary>Records what a follower writes; never full.</summary>
    private sealed class RecordingOutput : IFollowerOutput
    {
        private readonly Lock _gate = new();
        private readonly List<NotificationPayload> _written = [];
        private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

        public string ConnectionId => "test";

        public CancellationToken Closed => CancellationToken.None;

        public long[] Positions()
        {
            lock (_gate)
            {
                return [.. _written.Select(n => n.Position ?? 0)];
            }
        }

        /// <summary>Completes once at least <paramref name="count"/> notifications were written.</summary>
        public Task WrittenAsync(int count)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _waiters.Add((count, done));
                Release();
            }

            return done.Task;
        }

        public bool TryWrite(NotificationPayload notification)
        {
            lock (_gate)
            {
                _written.Add(notification);
                Release();
            }

            return true;
        }

        public ValueTask WriteAsync(NotificationPayload notification, CancellationToken cancellationToken)
        {
            TryWrite(notification);
            return ValueTask.CompletedTask;
        }

        public bool TryWriteReplayed(StreamReplay replay) => true;

        public ValueTask WaitForRoomAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        private void Release()
        {
            foreach (var waiter in _waiters.Where(w => _written.Count >= w.Count).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>A store whose next read of a stream's bounds, once it has read, waits to return until released.</summary>
    private sealed class HeldBoundsStore(INotificationStore inner) : DelegatingStore(inner)
    {
        private Hold? _hold;

        public Hold HoldNextBounds() => _hold = new Hold();

        public override Task<StreamBounds> GetBoundsAsync(NotificationStreamId stream, CancellationToken cancellationToken = default) =>
            ThenHoldAsync(Inner.GetBoundsAsync(stream, cancellationToken), () => Interlocked.Exchange(ref _hold, null));
    }

    /// <summary>A store whose next read, once it has read, waits to return until released (its result is then stale).</summary>
    private sealed class HeldReadStore(INotificationStore inner) : DelegatingStore(inner)
    {
        private Hold? _hold;

        public Hold HoldNextRead() => _hold = new Hold();

        public override Task<IReadOnlyList<StoredNotification>> ReadAsync(NotificationStreamId stream, long afterPosition, int limit, CancellationToken cancellationToken = default) =>
            ThenHoldAsync(Inner.ReadAsync(stream, afterPosition, limit, cancellationToken), () => Interlocked.Exchange(ref _hold, null));
    }
}
