using System.Text;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>
/// What every <see cref="INotificationStore"/> must do, run against each built-in dialect on a real database
/// (<see cref="SqliteNotificationStoreTests"/>, <see cref="PostgreSqlNotificationStoreTests"/>).
/// </summary>
public abstract class NotificationStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected abstract StoreUnderTest Create();

    private static NotificationStreamId Alice => NotificationStreamId.ForUser("1", "alice");

    private static NotificationStreamId Alerts => NotificationStreamId.ForChannel("1", "alerts");

    [Fact]
    public async Task Append_PositionsAreDensePerStream_InCommitOrder_AcrossBatches()
    {
        await using var database = Create();
        var store = await database.OpenAsync();

        var first = await store.AppendAsync([Record("a1", Alice), Record("c1", Alerts), Record("a2", Alice)], Ct);
        var second = await store.AppendAsync([Record("a3", Alice), Record("b1", NotificationStreamId.ForUser("1", "bob"))], Ct);

        Assert.Equal([1L, 1, 2], first.Select(o => o.Position));
        Assert.Equal([3L, 1], second.Select(o => o.Position));
        Assert.All(first.Concat(second), o => Assert.False(o.Duplicate));
        Assert.Equal(["a1", "a2", "a3"], (await store.ReadAsync(Alice, 0, 10, Ct)).Select(n => n.Id));
        Assert.Equal(new StreamBounds(1, 3), await store.GetBoundsAsync(Alice, Ct));
        Assert.Equal(new StreamBounds(0, 0), await store.GetBoundsAsync(NotificationStreamId.ForUser("1", "nobody"), Ct));
    }

    [Fact]
    public async Task Append_AnIdItsStreamHas_IsNotStoredAgain_WithinABatchOrLater_OtherStreamsAndTenantsAreSeparate()
    {
        await using var database = Create();
        var store = await database.OpenAsync();
        var bob = NotificationStreamId.ForUser("1", "bob");

        var first = await store.AppendAsync([Record("x", Alice), Record("x", Alice), Record("y", Alice), Record("x", bob)], Ct);
        var again = await store.AppendAsync([Record("x", Alice), Record("x", NotificationStreamId.ForUser("2", "alice")), Record("x", Alerts), Record("x", bob)], Ct);

        Assert.Equal([new AppendOutcome(1, false), new AppendOutcome(1, true), new AppendOutcome(2, false), new AppendOutcome(1, false)], first);
        Assert.Equal([new AppendOutcome(1, true), new AppendOutcome(1, false), new AppendOutcome(1, false), new AppendOutcome(1, true)], again);
        Assert.Equal(2, (await store.ReadAsync(Alice, 0, 10, Ct)).Count);
        Assert.Equal(["x"], (await store.ReadAsync(bob, 0, 10, Ct)).Select(n => n.Id));
    }

    [Fact]
    public async Task ADatabaseWhoseIdsWereUniquePerTenant_TakesOneIdInTwoStreams_OnceOpenedAgain()
    {
        await using var database = Create();
        await (await database.OpenAsync()).AppendAsync([Record("x", Alice)], Ct);
        var prefix = database.Options.TablePrefix;
        await database.ExecuteAsync($"CREATE UNIQUE INDEX {prefix.Replace('.', '_')}notifications_id ON {prefix}notifications (tenant_id, id)");

        var store = await database.OpenAsync();
        var outcomes = await store.AppendAsync([Record("x", NotificationStreamId.ForUser("1", "bob")), Record("x", Alice)], Ct);

        Assert.Equal([new AppendOutcome(1, false), new AppendOutcome(1, true)], outcomes);
    }

    [Fact]
    public async Task Append_TwoWritersOfOneDatabaseAtOnce_PositionsStayUniqueAndDense()
    {
        await using var database = Create();
        var one = await database.OpenAsync();
        var two = await database.OpenAsync();

        await Task.WhenAll(Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            var store = w == 0 ? one : two;
            for (var batch = 0; batch < 20; batch++)
            {
                await store.AppendAsync([.. Enumerable.Range(0, 5).Select(i => Record($"w{w}-{batch}-{i}", Alerts))], Ct);
            }
        }, Ct)));

        var positions = (await one.ReadAsync(Alerts, 0, 1000, Ct)).Select(n => n.Position).ToArray();
        Assert.Equal(Enumerable.Range(1, 200).Select(p => (long)p), positions);
    }

    [Fact]
    public async Task Read_ReturnsPositionsAfterTheGivenOne_InOrder_UpToTheLimit_WithPayloadAndTime()
    {
        await using var database = Create();
        var store = await database.OpenAsync();
        await store.AppendAsync([.. Enumerable.Range(1, 10).Select(i => Record("n" + i, Alice, T0.AddSeconds(i)))], Ct);

        var read = await store.ReadAsync(Alice, 4, 3, Ct);

        Assert.Equal([5L, 6, 7], read.Select(n => n.Position));
        Assert.Equal("{\"id\":\"n5\"}", Encoding.UTF8.GetString(read[0].Payload.Span));
        Assert.Equal(T0.AddSeconds(5), read[0].CreatedAt);
        Assert.Equal(Alice, read[0].Stream);
    }

    [Fact]
    public async Task Join_StartsAfterTheChannelsHead_KeepsTheFirstStart_LeaveEndsIt()
    {
        await using var database = Create();
        var store = await database.OpenAsync();
        await store.AppendAsync([Record("c1", Alerts), Record("c2", Alerts)], Ct);

        var since = await store.JoinAsync(Alerts, "alice", Ct);
        await store.AppendAsync([Record("c3", Alerts)], Ct);
        var again = await store.JoinAsync(Alerts, "alice", Ct);
        await store.LeaveAsync(Alerts, "alice", Ct);
        var afterLeave = await store.GetMembershipAsync(Alerts, "alice", Ct);
        var rejoined = await store.JoinAsync(Alerts, "alice", Ct);

        Assert.Equal(2, since);
        Assert.Equal(2, again);
        Assert.Null(afterLeave);
        Assert.Equal(3, rejoined);
        Assert.Equal(0, await store.JoinAsync(NotificationStreamId.ForChannel("1", "empty"), "alice", Ct));
    }

    [Fact]
    public async Task Inbox_HoldsTheUsersStreamAndTheirChannelsSinceJoining_NewestFirst_PagedByCursor()
    {
        await using var database = Create();
        var store = await database.OpenAsync();
        await store.AppendAsync([Record("before-join", Alerts, T0)], Ct);
        await store.JoinAsync(Alerts, "alice", Ct);
        await store.AppendAsync(
        [
            Record("u1", Alice, T0.AddSeconds(1)), Record("c1", Alerts, T0.AddSeconds(2)), Record("u2", Alice, T0.AddSeconds(3)),
            Record("other-user", NotificationStreamId.ForUser("1", "bob"), T0.AddSeconds(4)), Record("other-tenant", NotificationStreamId.ForUser("2", "alice"), T0.AddSeconds(5)),
            Record("not-joined", NotificationStreamId.ForChannel("1", "news"), T0.AddSeconds(6)),
        ], Ct);

        var first = await store.ListAsync("1", "alice", new InboxQuery { Limit = 2 }, Ct);
        var second = await store.ListAsync("1", "alice", new InboxQuery { Limit = 2, Cursor = first.NextCursor }, Ct);
        var channelOnly = await store.ListAsync("1", "alice", new InboxQuery { Channel = "alerts" }, Ct);
        var heads = await store.GetHeadsAsync("1", "alice", Ct);

        Assert.Equal(["u2", "c1"], first.Entries.Select(e => e.Notification.Id));
        Assert.Equal(["u1"], second.Entries.Select(e => e.Notification.Id));
        Assert.Null(second.NextCursor);
        Assert.Equal(["c1"], channelOnly.Entries.Select(e => e.Notification.Id));
        Assert.Equal(3, await store.CountUnreadAsync("1", "alice", Ct));
        Assert.Equal([new StreamPosition(Alice, 2), new StreamPosition(Alerts, 2)], heads.OrderBy(h => h.Stream.Kind));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync("1", "alice", new InboxQuery { Cursor = "not-a-cursor" }, Ct));
    }

    [Fact]
    public async Task ReadState_ByIdThroughAPositionAndAll_ArchivedLeaveTheListAndTheCount()
    {
        await using var database = Create();
        var store = await database.OpenAsync();
        await store.JoinAsync(Alerts, "alice", Ct);
        await store.AppendAsync([.. Enumerable.Range(1, 5).Select(i => Record("u" + i, Alice, T0.AddSeconds(i))), Record("c1", Alerts, T0.AddSeconds(10))], Ct);

        var marked = await store.SetMarkAsync("1", "alice", ["u1", "u4", "unknown", "c1"], InboxMark.Read, value: true, Ct);
        var afterIds = await store.CountUnreadAsync("1", "alice", Ct);
        await store.MarkReadThroughAsync("1", "alice", new StreamPosition(Alice, 3), Ct);
        await store.SetMarkAsync("1", "alice", ["u2"], InboxMark.Read, value: false, Ct);
        var unreadOnly = await store.ListAsync("1", "alice", new InboxQuery { UnreadOnly = true }, Ct);
        await store.SetMarkAsync("1", "alice", ["u5"], InboxMark.Archived, value: true, Ct);
        var afterArchive = await store.CountUnreadAsync("1", "alice", Ct);
        var list = await store.ListAsync("1", "alice", new InboxQuery(), Ct);
        var archived = await store.ListAsync("1", "alice", new InboxQuery { Archived = true }, Ct);
        await store.MarkReadThroughAsync("1", "alice", through: null, Ct);
        await store.AppendAsync([Record("u6", Alice, T0.AddSeconds(20))], Ct);
        var afterAll = await store.ListAsync("1", "alice", new InboxQuery { UnreadOnly = true }, Ct);

        Assert.Equal(["c1", "u1", "u4"], marked.Order(StringComparer.Ordinal));
        Assert.Equal(3, afterIds);
        Assert.Equal(["u5", "u2"], unreadOnly.Entries.Select(e => e.Notification.Id));
        Assert.Equal(1, afterArchive);
        Assert.DoesNotContain(list.Entries, e => e.Notification.Id == "u5");
        Assert.Equal(["u5"], archived.Entries.Select(e => e.Notification.Id));
        Assert.True(archived.Entries[0].Archived);
        Assert.Equal(["u6"], afterAll.Entries.Select(e => e.Notification.Id));
    }

    [Fact]
    public async Task Trim_RemovesByAgeAndBeyondTheCountPerStream_HeadsStay_MarksOfRemovedOnesGo()
    {
        await using var database = Create();
        var store = await database.OpenAsync();
        await store.AppendAsync([.. Enumerable.Range(1, 6).Select(i => Record("u" + i, Alice, T0.AddHours(i)))], Ct);
        await store.AppendAsync([.. Enumerable.Range(1, 3).Select(i => Record("c" + i, Alerts, T0.AddHours(10)))], Ct);
        await store.SetMarkAsync("1", "alice", ["u1"], InboxMark.Read, value: true, Ct);

        var removed = await store.TrimAsync(createdBefore: T0.AddHours(2), maxPerStream: 3, Ct);

        Assert.Equal(3, removed); // u1 by age, u2 and u3 by count
        Assert.Equal([4L, 5, 6], (await store.ReadAsync(Alice, 0, 10, Ct)).Select(n => n.Position));
        Assert.Equal(new StreamBounds(4, 6), await store.GetBoundsAsync(Alice, Ct));
        Assert.Equal(3, (await store.ReadAsync(Alerts, 0, 10, Ct)).Count);
        Assert.Equal([7L], (await store.AppendAsync([Record("u7", Alice)], Ct)).Select(o => o.Position));
    }

    [Fact]
    public async Task Retention_ThatEmptiesAStream_KeepsItsHead_NoPositionIsHandedOutAgain_AlsoAfterARestart()
    {
        await using var database = Create();
        var store = await database.OpenAsync();
        await store.AppendAsync([Record("a1", Alice), Record("a2", Alice), Record("a3", Alice), Record("c1", Alerts), Record("c2", Alerts)], Ct);

        var removed = await store.TrimAsync(createdBefore: T0.AddHours(1), maxPerStream: 1000, Ct);

        Assert.Equal(5, removed);
        Assert.Empty(await store.ReadAsync(Alice, 0, 10, Ct));
        Assert.Equal(3, (await store.GetBoundsAsync(Alice, Ct)).Head);
        Assert.Equal(2, await store.JoinAsync(Alerts, "alice", Ct));
        Assert.Equal([new StreamPosition(Alice, 3), new StreamPosition(Alerts, 2)], await store.GetHeadsAsync("1", "alice", Ct));
        Assert.Equal([4L], (await store.AppendAsync([Record("a4", Alice)], Ct)).Select(o => o.Position));

        // As after a restart: a store that never appended to these streams.
        await store.TrimAsync(createdBefore: T0.AddHours(1), maxPerStream: 1000, Ct);
        var restarted = await database.OpenAsync();
        Assert.Equal([5L, 3], (await restarted.AppendAsync([Record("a5", Alice), Record("c3", Alerts)], Ct)).Select(o => o.Position));
    }

    [Fact]
    public async Task RetentionByAge_GoesOnPastOneChunk_StopsAtTheFirstNotificationYoungEnough_LeavingNoHole()
    {
        await using var database = Create();
        var store = await database.OpenAsync();
        for (var batch = 0; batch < 21; batch++)
        {
            await store.AppendAsync([.. Enumerable.Range(0, 500).Select(i => Record($"old{batch}-{i}", batch % 2 == 0 ? Alice : Alerts, T0))], Ct);
        }

        await store.AppendAsync([Record("young", Alice, T0.AddHours(2)), Record("old-after-young", Alice, T0)], Ct);

        var removed = await store.TrimAsync(createdBefore: T0.AddHours(1), maxPerStream: 100_000, Ct);

        Assert.Equal(10_500, removed);
        Assert.Equal(["young", "old-after-young"], (await store.ReadAsync(Alice, 0, 10, Ct)).Select(n => n.Id));
        Assert.Equal(new StreamBounds(5_501, 5_502), await store.GetBoundsAsync(Alice, Ct));
        Assert.Equal(new StreamBounds(0, 5_000), await store.GetBoundsAsync(Alerts, Ct));
        Assert.Equal([5_001L], (await store.AppendAsync([Record("c-new", Alerts)], Ct)).Select(o => o.Position));
    }

    [Fact]
    public async Task Append_TwoStoresOfOneDatabaseTakingTurns_EachContinuesAfterTheOthersPositions()
    {
        await using var database = Create();
        var one = await database.OpenAsync();
        var two = await database.OpenAsync();

        var positions = new List<long>();
        foreach (var (store, count) in new[] { (one, 2), (two, 3), (one, 1), (one, 2), (two, 1), (one, 1) })
        {
            var ids = Enumerable.Range(positions.Count, count).Select(i => $"a{i}");
            positions.AddRange((await store.AppendAsync([.. ids.Select(id => Record(id, Alice))], Ct)).Select(o => o.Position));
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(p => (long)p), positions);
        Assert.Equal(new StreamBounds(1, 10), await one.GetBoundsAsync(Alice, Ct));
    }

    [Fact]
    public async Task ManyAppends_MovedToTheSettledIndexOnTheWay_ReadBoundsInboxAndTrimSeeEveryOne()
    {
        // 9,000 notifications: the store moves its recent index into the settled one on the way (every 8,192), so the
        // reads below cross both parts; a second store instance reads what the first one wrote.
        await using var database = Create();
        var store = await database.OpenAsync();
        NotificationStreamId[] streams = [Alice, Alerts, NotificationStreamId.ForUser("1", "bob")];
        for (var batch = 0; batch < 18; batch++)
        {
            await store.AppendAsync([.. Enumerable.Range(0, 500).Select(i => Record($"m{batch}-{i}", streams[((batch * 500) + i) % 3], T0.AddSeconds(batch)))], Ct);
        }

        var other = await database.OpenAsync();
        Assert.Equal(Enumerable.Range(1, 3000).Select(p => (long)p), (await other.ReadAsync(Alice, 0, 5000, Ct)).Select(n => n.Position));
        Assert.Equal([2991L, 2992, 2993], (await store.ReadAsync(Alerts, 2990, 3, Ct)).Select(n => n.Position));
        Assert.Equal(new StreamBounds(1, 3000), await other.GetBoundsAsync(Alice, Ct));
        Assert.Equal(3000, await store.CountUnreadAsync("1", "alice", Ct));

        var removed = await store.TrimAsync(createdBefore: T0, maxPerStream: 100, Ct);

        Assert.Equal(3 * 2900, removed);
        Assert.Equal(Enumerable.Range(2901, 100).Select(p => (long)p), (await other.ReadAsync(Alice, 0, 5000, Ct)).Select(n => n.Position));
        Assert.Equal(new StreamBounds(2901, 3000), await store.GetBoundsAsync(Alice, Ct));
        Assert.Equal(100, await other.CountUnreadAsync("1", "alice", Ct));
        Assert.Equal([3001L], (await other.AppendAsync([Record("after-trim", Alice)], Ct)).Select(o => o.Position));
    }

    [Fact]
    public async Task Initialize_OnTheTablesOfAnEarlierPreview_FailsNamingTheTableAndTheFix()
    {
        await using var database = Create();
        var table = database.Options.TablePrefix + "notifications";
        await database.ExecuteAsync($"CREATE TABLE {table} (tenant_id text NOT NULL, stream text NOT NULL, position bigint NOT NULL, id text NOT NULL, payload bytea NOT NULL, created_at bigint NOT NULL, PRIMARY KEY (tenant_id, stream, position))");

        var refused = await Assert.ThrowsAsync<WebSocketNotificationException>(database.OpenAsync);

        Assert.Equal(WebSocketErrorCodes.NotConfigured, refused.Code);
        Assert.False(refused.Retryable);
        Assert.Contains($"'{table}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("tablePrefix", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_IsIdempotent_AlsoForSeveralStoresAtOnce()
    {
        await using var database = Create();
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => database.OpenAsync()));
        await stores[0].InitializeAsync(Ct);

        Assert.Equal(1, (await stores[3].AppendAsync([Record("a", Alice)], Ct))[0].Position);
    }

    private static NotificationRecord Record(string id, NotificationStreamId stream, DateTimeOffset? at = null) =>
        new(id, stream, Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"), at ?? T0);
}

public sealed class SqliteNotificationStoreTests : NotificationStoreContract
{
    private protected override StoreUnderTest Create() => StoreUnderTest.Sqlite();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADisposedStore_LeavesEveryStreamsHeadStored_WhichEarlierVersionsAppendAfter(bool lastAppendFailed)
    {
        // Appends leave the stored heads behind (the appender knows them); earlier versions read the column alone.
        await using var database = Create();
        var store = await database.OpenAsync();
        var alice = NotificationStreamId.ForUser("1", "alice");
        var alerts = NotificationStreamId.ForChannel("1", "alerts");
        NotificationRecord Record(NotificationStreamId stream, int i) => new("n" + i, stream, "{}"u8.ToArray(), DateTimeOffset.UnixEpoch);
        await store.AppendAsync([.. new[] { alice, alice, alerts, alice }.Select(Record)], TestContext.Current.CancellationToken);
        if (lastAppendFailed)
        {
            // A failed append drops the held appender; what the earlier ones appended still needs its heads stored.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendAsync([Record(alice, 9)], new CancellationToken(canceled: true)));
        }

        await ((IAsyncDisposable)store).DisposeAsync();

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database.Options.DatabasePath}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT stream || '=' || head FROM inbox_streams ORDER BY stream";
        var heads = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                heads.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["channel:alerts=1", "user:alice=3"], heads);
    }
}

public sealed class PostgreSqlNotificationStoreTests(Notify.WebSocket.Handling.Tests.TestSupport.PostgresServer postgres)
    : NotificationStoreContract, IClassFixture<Notify.WebSocket.Handling.Tests.TestSupport.PostgresServer>
{
    private protected override StoreUnderTest Create() => StoreUnderTest.PostgreSql(postgres.Require());

    [Fact]
    public async Task TheServerEndsTheStoresConnections_AtMostOneAppendFails_ThenAppendsSucceed_PositionsStayDense()
    {
        await using var database = Create();
        var store = await database.OpenAsync();
        var alice = NotificationStreamId.ForUser("1", "alice");
        await store.AppendAsync([Record("a1", alice)], TestContext.Current.CancellationToken);

        // As a server restart or an administrator would: the store's connection (held for appends) is gone.
        await database.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        var ids = new List<string> { "a1" };
        try
        {
            await store.AppendAsync([Record("a2", alice)], TestContext.Current.CancellationToken);
            ids.Add("a2");
        }
        catch (System.Data.Common.DbException)
        {
            // The append that found the connection gone; the journal retries it once at once.
        }

        var after = await store.AppendAsync([Record("a3", alice)], TestContext.Current.CancellationToken);
        ids.Add("a3");

        Assert.Equal(ids.Count, after[0].Position);
        var read = await store.ReadAsync(alice, 0, 10, TestContext.Current.CancellationToken);
        Assert.Equal(ids, read.Select(n => n.Id));
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(p => (long)p), read.Select(n => n.Position));
    }

    [Fact]
    public async Task OneUsersMarksFromSeveralDevicesAtOnce_AllCommit_NoneDeadlocks()
    {
        await using var database = Create();
        var store = await database.OpenAsync();
        var alice = NotificationStreamId.ForUser("1", "alice");
        var ids = Enumerable.Range(0, 200).Select(i => "n" + i).ToArray();
        await store.AppendAsync([.. ids.Select(id => Record(id, alice))], TestContext.Current.CancellationToken);

        // As three devices of one user would, each on its own connection: read everything, unread and read 50 at random.
        async Task DeviceAsync(int device)
        {
            var random = new Random(device);
            for (var i = 0; i < 40; i++)
            {
                var some = random.GetItems(ids, 50).Distinct().ToArray();
                await (device switch
                {
                    0 => (Task)store.MarkReadThroughAsync("1", "alice", through: null, TestContext.Current.CancellationToken),
                    1 => store.SetMarkAsync("1", "alice", some, InboxMark.Read, value: false, TestContext.Current.CancellationToken),
                    _ => store.SetMarkAsync("1", "alice", some, InboxMark.Read, value: true, TestContext.Current.CancellationToken),
                });
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(d => Task.Run(() => DeviceAsync(d))));

        await store.MarkReadThroughAsync("1", "alice", through: null, TestContext.Current.CancellationToken);
        Assert.Equal(0, await store.CountUnreadAsync("1", "alice", TestContext.Current.CancellationToken));
    }

    private static NotificationRecord Record(string id, NotificationStreamId stream) =>
        new(id, stream, Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"), DateTimeOffset.UnixEpoch);
}
