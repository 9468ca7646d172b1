using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// Replay on reconnect through the SignalR gateway: a client reconnects with its position and receives the 1,000
/// notifications of its stream it missed (read from SQLite in batches, sent in order before anything live), vs a bare
/// loop on the same host: the client connects, one query reads the same 1,000 rows from the same file, and each row is
/// sent to the client's group as it is read. Both timed from the connect to the last notification received.
/// </summary>
internal sealed class InboxReplayScenario : Scenario
{
    private const int Missed = 1_000;
    private const string User = "replay";
    private const string Stream = "t:1:user:replay";
    private const string Group = "t:1:user:replay"; // the gateway's group of tenant 1's user "replay" (DESIGN.md)

    private readonly InboxDatabase _database = new();
    private HarnessSignalRHost? _host;
    private IHubContext<NotificationHub> _hub = null!;
    private long _streamNumber;

    public override string Name => $"inbox, replay of {Missed:N0} missed notifications on reconnect (SignalR, SQLite) vs a bare query-then-send loop over the same rows";

    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        _host = await HarnessSignalRHost.StartAsync([], b => _database.AddTo(b), cancellationToken, defaultChannels: ["lobby"]).ConfigureAwait(false);
        _hub = _host.Services.GetRequiredService<IHubContext<NotificationHub>>();
        var content = new NotificationContent { Subject = "missed", Body = "sent while the client was away", Data = new Dictionary<string, object?> { ["orderId"] = 42 } };
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async w =>
        {
            for (var i = w; i < Missed; i += 64)
            {
                await SendOrThrowAsync(_host.Provider, User, content, cancellationToken).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);

        var connection = new SqliteConnection($"Data Source={_database.Path}");
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "SELECT sid FROM inbox_streams WHERE tenant_id = @t AND stream = @s";
                command.Parameters.AddWithValue("@t", HarnessSignalRHost.Tenant);
                command.Parameters.AddWithValue("@s", "user:" + User);
                _streamNumber = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
        }
    }

    public override Task<Measurement> RunOursAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        RoundsAsync(duration, positions: $"{{\"{Stream}\":0}}", sendAfterConnect: null, cancellationToken);

    public override Task<Measurement> RunBaselineAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        RoundsAsync(duration, positions: null, QueryThenSendAsync, cancellationToken);

    public override async Task TearDownAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }

        _database.Delete();
    }

    private static async Task SendOrThrowAsync(IWebSocketProvider provider, string user, NotificationContent content, CancellationToken cancellationToken)
    {
        var result = await provider.SendToUserAsync(user, content, cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            throw new InvalidOperationException(result.Error!.Message);
        }
    }

    /// <summary>The baseline: one query over the stream's rows, each sent as it is read.</summary>
    private async Task QueryThenSendAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection($"Data Source={_database.Path}");
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                // The stream's entries are in either part of the store's stream index (settled or recent), under its
                // number (looked up once, at set-up).
                command.CommandText = """
                    SELECT n.payload FROM (
                      SELECT position, seq FROM inbox_positions WHERE sid = @sid AND position > 0
                      UNION ALL SELECT position, seq FROM inbox_positions_recent WHERE sid = @sid AND position > 0) x
                    JOIN inbox_notifications n ON n.seq = x.seq ORDER BY x.position LIMIT @limit
                    """;
                command.Parameters.AddWithValue("@sid", _streamNumber);
                command.Parameters.AddWithValue("@limit", Missed);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var group = _hub.Clients.Group(Group);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var notification = JsonSerializer.Deserialize<JsonElement>(reader.GetFieldValue<byte[]>(0));
                        await group.SendAsync("notification:new", notification, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>Connects, waits for the 1,000 notifications, disconnects; again until the duration passed. Counts notifications.</summary>
    private async Task<Measurement> RoundsAsync(TimeSpan duration, string? positions, Func<CancellationToken, Task>? sendAfterConnect, CancellationToken cancellationToken)
    {
        long received = 0;
        var elapsed = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        do
        {
            var url = $"{_host!.HubUrl}?user={User}" + (positions is null ? string.Empty : "&positions=" + Uri.EscapeDataString(positions));
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(url), o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .Build();
            await using (connection.ConfigureAwait(false))
            {
                var count = 0;
                var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.On<object>("notification:new", _ =>
                {
                    if (++count == Missed)
                    {
                        all.TrySetResult();
                    }
                });
                connection.On<object>("channel:joined", _ => joined.TrySetResult());
                var clock = Stopwatch.StartNew();
                await connection.StartAsync(cancellationToken).ConfigureAwait(false);
                if (sendAfterConnect is not null)
                {
                    // The connection is in its user's group once the gateway has set it up (its default channel joined).
                    await joined.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
                    await sendAfterConnect(cancellationToken).ConfigureAwait(false);
                }

                await all.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                elapsed += clock.Elapsed;
                received += count;
            }
        }
        while (total.Elapsed < duration);

        return new Measurement(received, elapsed);
    }
}
