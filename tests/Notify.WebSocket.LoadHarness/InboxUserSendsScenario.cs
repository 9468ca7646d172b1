using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// The notification inbox's throughput on the in-process gateway: user sends/s through the provider with the store on
/// (SQLite, durable: a send returns once its group commit is synced) with <paramref name="senders"/> sends in flight to
/// <see cref="Users"/> connected users whose connections are read as they fill, vs the same container with the store
/// off; or (<paramref name="againstBareInserts"/>) vs the floor under it: bare prepared inserts of the same rows into
/// the same schema, one synced commit per 256.
/// </summary>
internal sealed class InboxUserSendsScenario(int senders, bool againstBareInserts = false) : Scenario
{
    private const int Users = 1_000;
    private const int BareBatch = 256;
    private const int BareSettle = 8_192;

    private static readonly NotificationContent Content = new() { Subject = "bench", Body = "user send" };

    private readonly InboxDatabase _database = new();
    private readonly InboxDatabase _bare = new();
    private readonly byte[] _barePayload = System.Text.Encoding.UTF8.GetBytes("""{"id":"0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4","subject":"bench","body":"user send","recipient":{"userId":"user1"},"timestamp":"2026-11-30T02:00:00Z"}""");
    private long _bareNext;
    private readonly List<InProcessConnection> _connections = [];
    private readonly List<Task> _readers = [];
    private ServiceProvider? _storedServices;
    private ServiceProvider? _plainServices;
    private IWebSocketProvider _stored = null!;
    private IWebSocketProvider _plain = null!;
    private long _next;

    public override string Name => againstBareInserts
        ? $"inbox, user sends/s as above ({senders} in flight) vs bare durable inserts of the same rows (prepared INSERTs of the row and its index entry, a synced commit per 256)"
        : $"inbox, user sends/s through the in-process gateway, {senders} in flight to {Users:N0} connected users: store on (SQLite, durable) vs off";

    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        (_storedServices, _stored) = await StartAsync(b => _database.AddTo(b), cancellationToken).ConfigureAwait(false);
        (_plainServices, _plain) = await StartAsync(configure: null, cancellationToken).ConfigureAwait(false);
        if (againstBareInserts)
        {
            // The same schema, made by the store itself in a file of its own.
            var collection = new ServiceCollection();
            _bare.AddTo(collection.AddWebSocketNotifications(_ => { }));
            var services = collection.BuildServiceProvider();
            await using (services.ConfigureAwait(false))
            {
                await services.GetRequiredService<Notify.WebSocket.Storage.INotificationStore>().InitializeAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        TimedAsync(senders, duration, ct => SendAsync(_stored, ct), recordLatency: false, cancellationToken);

    public override Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken) => againstBareInserts
        ? TimedAsync(1, duration, _ => BareInsertsAsync(), recordLatency: false, cancellationToken, operationsPerCall: BareBatch)
        : TimedAsync(senders, duration, ct => SendAsync(_plain, ct), recordLatency: false, cancellationToken);

    public override async Task TearDownAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_readers).ConfigureAwait(false);
        foreach (var services in new[] { _storedServices, _plainServices })
        {
            if (services is not null)
            {
                await services.DisposeAsync().ConfigureAwait(false);
            }
        }

        _database.Delete();
        _bare.Delete();
    }

    /// <summary>
    /// The floor: <see cref="BareBatch"/> rows and their stream index entries by prepared statements, in one transaction,
    /// committed durably (as the store's connections are set up); every <see cref="BareSettle"/> rows the recent part of
    /// the index moves into the settled part, as the store does.
    /// </summary>
    private Task BareInsertsAsync()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_bare.Path}");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=8000;";
            setup.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO inbox_notifications (tenant_id, stream, position, id, payload, created_at) VALUES (@t, @s, @p, @i, @b, @c)";
        insert.Parameters.AddWithValue("@t", HarnessSignalRHost.Tenant);
        var stream = insert.Parameters.AddWithValue("@s", string.Empty);
        var position = insert.Parameters.AddWithValue("@p", 0L);
        var id = insert.Parameters.AddWithValue("@i", string.Empty);
        insert.Parameters.AddWithValue("@b", _barePayload);
        insert.Parameters.AddWithValue("@c", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using var index = connection.CreateCommand();
        index.Transaction = transaction;
        // The floor keeps no stream rows: a stream's number is its user's.
        index.CommandText = "INSERT INTO inbox_positions_recent (sid, position, seq) VALUES (@sid, @p, last_insert_rowid())";
        var indexStream = index.Parameters.AddWithValue("@sid", 0L);
        var indexPosition = index.Parameters.AddWithValue("@p", 0L);
        for (var i = 0; i < BareBatch; i++)
        {
            var n = ++_bareNext;
            stream.Value = "user:user" + (n % Users);
            indexStream.Value = n % Users;
            position.Value = indexPosition.Value = n;
            id.Value = Guid.CreateVersion7().ToString("N");
            insert.ExecuteNonQuery();
            index.ExecuteNonQuery();
        }

        if (_bareNext % BareSettle < BareBatch)
        {
            using var settle = connection.CreateCommand();
            settle.Transaction = transaction;
            settle.CommandText = "INSERT INTO inbox_positions SELECT * FROM inbox_positions_recent; DELETE FROM inbox_positions_recent;";
            settle.ExecuteNonQuery();
        }

        transaction.Commit();
        return Task.CompletedTask;
    }

    private async Task SendAsync(IWebSocketProvider provider, CancellationToken cancellationToken)
    {
        var user = "user" + (Interlocked.Increment(ref _next) % Users);
        var result = await provider.SendToUserAsync(user, Content, cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            throw new InvalidOperationException(result.Error!.Message);
        }
    }

    private async Task<(ServiceProvider, IWebSocketProvider)> StartAsync(Action<IWebSocketNotificationsBuilder>? configure, CancellationToken cancellationToken)
    {
        var collection = new ServiceCollection();
        var builder = collection.AddWebSocketNotifications(_ => { });
        configure?.Invoke(builder);
        var services = collection.BuildServiceProvider();
        var gateway = services.GetRequiredService<InProcessNotificationGateway>();
        for (var i = 0; i < Users; i++)
        {
            var connection = gateway.Connect(HarnessSignalRHost.Tenant, "user" + i);
            _connections.Add(connection);
            _readers.Add(DrainAsync(connection));
        }

        var provider = await services.GetRequiredService<ProviderRegistry>().GetProviderAsync(HarnessSignalRHost.Tenant, cancellationToken).ConfigureAwait(false);
        return (services, provider);
    }

    private static async Task DrainAsync(InProcessConnection connection)
    {
        await foreach (var _ in connection.Notifications.ReadAllAsync().ConfigureAwait(false))
        {
        }
    }
}
