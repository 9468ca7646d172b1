using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Notify.WebSocket.Storage;
using NSubstitute;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>The journal on a real SQLite store: what its listeners get, in which order, and when sends return.</summary>
public sealed class NotificationJournalTests
{
    [Fact]
    public async Task DisposedWhileTheStoreIsStuck_CancelsItAfterTheGrace_AndTheSendItHeldFailsAsUnavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = Substitute.For<INotificationStore>();
        store.InitializeAsync(Arg.Any<CancellationToken>()).Returns(Task.CompletedTask);
        store.AppendAsync(Arg.Any<IReadOnlyList<NotificationRecord>>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            entered.TrySetResult();
            return StuckUntilCancelled(call.Arg<CancellationToken>());
        });
        var journal = new NotificationJournal(store, "custom", new NotificationInboxOptions(), WebSocketNotificationsJsonOptions.CreateDefault(), time, NullLogger<NotificationJournal>.Instance);
        var send = journal.AppendAsync(NotificationStreamId.ForUser("1", "alice"), Payload(), ct).AsTask();
        await entered.Task.WaitAsync(ct); // the store holds it, as a database stalled by a lock does

        var disposing = journal.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted, "disposal waits for what the store holds");
        time.Advance(NotificationJournal.ShutdownGrace);
        await disposing.WaitAsync(TimeSpan.FromSeconds(30), ct);

        var failure = await Assert.ThrowsAsync<WebSocketNotificationException>(() => send);
        Assert.Equal(WebSocketErrorCodes.StoreUnavailable, failure.Code);
    }

    private static async Task<IReadOnlyList<AppendOutcome>> StuckUntilCancelled(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }

    [Fact]
    public async Task ASendAfterTheHostDisposedTheJournal_ThrowsObjectDisposedException_NotAGatewayFailure()
    {
        await using var host = await InboxHost.StartAsync();
        await host.SendAsync("alice", "before");

        // The host disposes its singletons while a send may still be on its way: the journal can go first.
        await host.Journal.DisposeAsync();

        var disposed = await Assert.ThrowsAsync<ObjectDisposedException>(async () => await host.Provider.SendToUserAsync("alice", new NotificationContent { Subject = "after" }, TestContext.Current.CancellationToken));

        Assert.StartsWith("The provider cannot send: the host is stopping", disposed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(NotificationJournal), disposed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoneSends_AndSendsInFlightTogether_ReachTheListenerOnceEach_InPositionOrder_BeforeTheirSendsReturn()
    {
        await using var database = StoreUnderTest.Sqlite();
        await using var journal = new NotificationJournal(
            await database.OpenAsync(), "sqlite", database.Options, WebSocketNotificationsJsonOptions.CreateDefault(), TimeProvider.System, NullLogger<NotificationJournal>.Instance);
        var listener = new RecordingListener();
        using var subscription = journal.Subscribe(listener);
        var stream = NotificationStreamId.ForUser("1", "alice");
        var ct = TestContext.Current.CancellationToken;

        // Lone sends are handed off by the commit loop itself; many in flight go through the hand-off loop, overlapped
        // with the next commit; then lone again. The switches between the two must keep the order.
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                var entry = await journal.AppendAsync(stream, Payload(), ct);
                Assert.Contains(entry.Position, listener.Positions());
            }

            var together = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => journal.AppendAsync(stream, Payload(), ct).AsTask()));
            var heard = listener.Positions();
            Assert.All(together, e => Assert.Contains(e.Position, heard));
        }

        Assert.Equal(Enumerable.Range(1, 3 * 305).Select(p => (long)p), listener.Positions());
    }

    private static NotificationPayload Payload() => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Subject = "journal",
        Recipient = new PayloadRecipient { UserId = "alice" },
        Timestamp = DateTimeOffset.UtcNow,
    };

    private sealed class RecordingListener : INotificationJournalListener
    {
        private readonly Lock _gate = new();
        private readonly List<long> _positions = [];

        public long[] Positions()
        {
            lock (_gate)
            {
                return [.. _positions];
            }
        }

        public ValueTask OnStoredAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _positions.AddRange(entries.Select(e => e.Position));
            }

            return ValueTask.CompletedTask;
        }

        public void OnInboxChanged(string tenantId, string userId, InboxChange change)
        {
        }
    }
}
