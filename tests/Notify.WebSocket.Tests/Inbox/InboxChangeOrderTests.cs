using Microsoft.Extensions.Logging.Abstractions;
using Notify.WebSocket.Inbox;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>The unread counts a user's devices get, when two changes are made together, on a real SQLite store.</summary>
public sealed class InboxChangeOrderTests
{
    [Fact]
    public async Task TwoMarksTogether_TheSecondCountsAfterTheFirstIsPublished_SoDevicesEndOnTheNewestCount()
    {
        await using var setup = await Setup.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        // The first mark's count reads one unread, and is held before it is published; the second mark is written then.
        var hold = setup.Store.HoldNextCount();
        var first = setup.Inbox.MarkReadAsync("1", "alice", ["n1"], ct);
        await hold.Read;
        var second = setup.Inbox.MarkReadAsync("1", "alice", ["n2"], ct);
        await Eventually.TrueAsync(() => setup.Journal.ChangesWaiting == 1, "the second mark, written, waits to count");
        Assert.False(second.IsCompleted);

        hold.Release();
        var changes = await Task.WhenAll(first, second);

        Assert.Equal([1L, 0L], changes.Select(c => c.UnreadCount));
        Assert.Equal([(InboxChangeKind.Read, 1L), (InboxChangeKind.Read, 0L)], setup.Listener.Changes());
        Assert.Equal(0, await setup.Inbox.GetUnreadCountAsync("1", "alice", ct));
    }

    [Fact]
    public async Task ARefreshAndAMarkTogether_TheMarkCountsAfterTheRefreshIsPublished()
    {
        await using var setup = await Setup.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        var hold = setup.Store.HoldNextCount();
        var refresh = setup.Journal.RefreshAsync("1", "alice", ct);
        await hold.Read;
        var mark = setup.Inbox.MarkAllReadAsync("1", "alice", ct);
        await Eventually.TrueAsync(() => setup.Journal.ChangesWaiting == 1, "the mark, written, waits to count");

        hold.Release();
        Assert.Equal(2, (await refresh).UnreadCount);
        Assert.Equal(0, (await mark).UnreadCount);
        Assert.Equal(new Dictionary<string, long> { ["t:1:user:alice"] = 2 }, (await mark).Positions); // a custom store: heads, then each stream
        Assert.Equal([(InboxChangeKind.Refresh, 2L), (InboxChangeKind.ReadAll, 0L)], setup.Listener.Changes());
    }

    [Fact]
    public async Task ARefresh_OfAnEmptyUser_IsRefused_AndNothingIsPublished()
    {
        await using var setup = await Setup.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => setup.Journal.RefreshAsync("1", " ", TestContext.Current.CancellationToken));
        Assert.Empty(setup.Listener.Changes());
    }

    private static NotificationPayload Payload(string id) => new()
    {
        Id = id,
        Subject = "order",
        Recipient = new PayloadRecipient { UserId = "alice" },
        Timestamp = DateTimeOffset.UtcNow,
    };

    /// <summary>A store whose next unread count, once it has counted, waits to return until released.</summary>
    private sealed class HeldCountStore(INotificationStore inner) : DelegatingStore(inner)
    {
        private Hold? _hold;

        public Hold HoldNextCount() => _hold = new Hold();

        public override Task<long> CountUnreadAsync(string tenantId, string userId, CancellationToken cancellationToken = default) =>
            ThenHoldAsync(Inner.CountUnreadAsync(tenantId, userId, cancellationToken), () => Interlocked.Exchange(ref _hold, null));
    }

    /// <summary>A journal on a fresh SQLite file whose counts can be held, with alice's two unread notifications n1 and n2.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        private StoreUnderTest _database = null!;
        private IDisposable _subscription = null!;

        public HeldCountStore Store { get; private set; } = null!;

        public NotificationJournal Journal { get; private set; } = null!;

        public NotificationInbox Inbox { get; private set; } = null!;

        public ChangeListener Listener { get; } = new();

        public static async Task<Setup> StartAsync()
        {
            var setup = new Setup { _database = StoreUnderTest.Sqlite() };
            setup.Store = new HeldCountStore(await setup._database.OpenAsync());
            setup.Journal = new NotificationJournal(
                setup.Store, "sqlite", setup._database.Options, WebSocketNotificationsJsonOptions.CreateDefault(), TimeProvider.System, NullLogger<NotificationJournal>.Instance);
            setup._subscription = setup.Journal.Subscribe(setup.Listener);
            setup.Inbox = new NotificationInbox(setup.Journal);
            var stream = NotificationStreamId.ForUser("1", "alice");
            await setup.Journal.AppendAsync(stream, Payload("n1"), TestContext.Current.CancellationToken);
            await setup.Journal.AppendAsync(stream, Payload("n2"), TestContext.Current.CancellationToken);
            return setup;
        }

        public async ValueTask DisposeAsync()
        {
            _subscription.Dispose();
            await Journal.DisposeAsync();
            await _database.DisposeAsync();
        }
    }

    private sealed class ChangeListener : INotificationJournalListener
    {
        private readonly Lock _gate = new();
        private readonly List<(InboxChangeKind, long)> _changes = [];

        public (InboxChangeKind, long)[] Changes()
        {
            lock (_gate)
            {
                return [.. _changes];
            }
        }

        public ValueTask OnStoredAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void OnInboxChanged(string tenantId, string userId, InboxChange change)
        {
            lock (_gate)
            {
                _changes.Add((change.Kind, change.UnreadCount));
            }
        }
    }
}
