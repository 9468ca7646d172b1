using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Inbox;

/// <summary>
/// The durability contract, with the web sample as a child process killed by SIGKILL in the middle of a broadcast of
/// 1,000 notifications to 200 connected SignalR clients: after the restart the clients reconnect with their positions
/// and every one of them ends with every notification whose send returned success, exactly once, in order.
/// </summary>
public sealed class DurabilityTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private const int Clients = 200;
    private const int Notifications = 1000;
    private const int KillAfter = 400;
    private const int Senders = 8;
    private const string Stream = "t:1:channel:system"; // the sample's default channel, every client's

    [Fact]
    public async Task SigkillMidBroadcast_Restart_ClientsReconnectWithPositions_EverySucceededNotificationOnceInOrder()
    {
        using var directory = new TempDirectory();
        string[] settings = ["--Notifications:Inbox:DatabasePath", directory.File("inbox.db"), "--Auth:SigningKey", SigningKey()];
        var clients = Enumerable.Range(0, Clients).Select(i => new RecordingClient("u" + i)).ToArray();
        try
        {
            var succeeded = new ConcurrentBag<string>();
            await using (var host = await WebSampleProcess.StartAsync(settings))
            {
                await ConnectAllAsync(clients, host);
                await BroadcastAsync(host, Notifications, succeeded, killWhen: (host, KillAfter));
            }

            await using var restarted = await WebSampleProcess.StartAsync(settings);
            await ConnectAllAsync(clients, restarted);
            await AssertEveryClientHasEverySucceededOnceInOrderAsync(clients, [.. succeeded]);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task TwoInstancesWithRedis_OneKilledMidBroadcast_ItsClientsMoveToTheOther_EverySucceededNotificationOnceInOrder()
    {
        var configuration = redis.RequireConfiguration();
        using var directory = new TempDirectory();
        string[] settings =
        [
            "--Notifications:Inbox:DatabasePath", directory.File("inbox.db"), "--Auth:SigningKey", SigningKey(),
            "--Notifications:Redis:Configuration", configuration, "--Notifications:Redis:ChannelPrefix", "t" + Guid.NewGuid().ToString("N"),
        ];
        var clients = Enumerable.Range(0, Clients).Select(i => new RecordingClient("u" + i)).ToArray();
        var onA = clients[..(Clients / 2)];
        var onB = clients[(Clients / 2)..];
        try
        {
            await using var b = await WebSampleProcess.StartAsync(settings);
            var succeeded = new ConcurrentBag<string>();
            await using (var a = await WebSampleProcess.StartAsync(settings))
            {
                await ConnectAllAsync(onA, a);
                await ConnectAllAsync(onB, b);
                await BroadcastAsync(a, KillAfter * 2, succeeded, killWhen: (a, KillAfter));
            }

            // A load balancer now sends everything to the survivor; A's clients reconnect there with their positions.
            var reconnecting = ConnectAllAsync(onA, b);
            await BroadcastAsync(b, Notifications - (KillAfter * 2), succeeded, killWhen: null);
            await reconnecting;
            await AssertEveryClientHasEverySucceededOnceInOrderAsync(clients, [.. succeeded]);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task TwoProcessesOnOneSqliteFile_BroadcastingToOneChannelAtOnce_EachSucceededSendHasItsOwnPosition_NoGaps()
    {
        // Each process's appender keeps the stream heads in memory and must read them again after the other's commits.
        using var directory = new TempDirectory();
        string[] settings = ["--Notifications:Inbox:DatabasePath", directory.File("inbox.db"), "--Auth:SigningKey", SigningKey()];
        var succeeded = new ConcurrentBag<string>();
        await using (var a = await WebSampleProcess.StartAsync(settings))
        await using (var b = await WebSampleProcess.StartAsync(settings))
        {
            await Task.WhenAll(BroadcastAsync(a, Notifications / 2, succeeded, killWhen: null), BroadcastAsync(b, Notifications / 2, succeeded, killWhen: null));
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={directory.File("inbox.db")}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, id FROM inbox_notifications WHERE stream = 'channel:system' ORDER BY position";
        var stored = new List<(long Position, string Id)>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                stored.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        Assert.Equal(Notifications, succeeded.Count);
        Assert.Equal(Enumerable.Range(1, Notifications).Select(p => (long)p), stored.Select(s => s.Position));
        Assert.Equal(succeeded.Order(StringComparer.Ordinal), stored.Select(s => s.Id).Order(StringComparer.Ordinal));
    }

    /// <summary>One key for every instance (scale-out), so a token of one is good on the others.</summary>
    private static string SigningKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static async Task ConnectAllAsync(RecordingClient[] clients, WebSampleProcess host)
    {
        // A few at a time: the connection budget is per user, so each client is its own user.
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(clients.Select(async client =>
        {
            await gate.WaitAsync();
            try
            {
                await client.ConnectAsync(host.HubUrl, await host.TokenAsync(client.UserId, "1"));
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Sends <paramref name="count"/> channel broadcasts through the host's HTTP API, <see cref="Senders"/> at a time; optionally kills the host (SIGKILL) once some have succeeded.</summary>
    private async Task BroadcastAsync(WebSampleProcess host, int count, ConcurrentBag<string> succeeded, (WebSampleProcess Host, int After)? killWhen)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenAsync("sender", "1"));
        var next = 0;
        var ok = 0;
        var failed = 0;
        var killed = 0;
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= count)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync(new Uri("/api/notifications/channel", UriKind.Relative), new { channel = "system", subject = "n" + i, body = "broadcast" });
                    var result = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
                    if (result.ValueKind == JsonValueKind.Object && result.GetProperty("success").GetBoolean())
                    {
                        succeeded.Add(result.GetProperty("messageId").GetString()!);
                        if (Interlocked.Increment(ref ok) == killWhen?.After && Interlocked.Exchange(ref killed, 1) == 0)
                        {
                            await killWhen.Value.Host.CrashAsync();
                        }

                        continue;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
                {
                    // The host was killed under this send: it did not return success.
                }

                Interlocked.Increment(ref failed);
            }
        })));
        output.WriteLine($"{host.BaseAddress}: {ok} of {count} sends succeeded, {failed} failed{(killed == 1 ? $" (SIGKILL after {killWhen!.Value.After} successes)" : string.Empty)}");
    }

    private async Task AssertEveryClientHasEverySucceededOnceInOrderAsync(RecordingClient[] clients, string[] succeeded)
    {
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await Task.WhenAll(clients.Select(c => c.ReceivedAllAsync(succeeded, deadline.Token)));
            }
            catch (OperationCanceledException)
            {
                var behind = clients.Where(c => c.CountOf(succeeded) < succeeded.Length).Select(c => $"{c.UserId} has {c.CountOf(succeeded)}");
                Assert.Fail($"Not every client received all {succeeded.Length} succeeded notifications within 60 s: {string.Join(", ", behind.Take(10))}");
            }
        }

        var positionOfId = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var client in clients)
        {
            var received = client.Received;
            Assert.Equal(received.Count, received.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count());
            for (var i = 1; i < received.Count; i++)
            {
                Assert.True(received[i].Position == received[i - 1].Position + 1, $"{client.UserId}: position {received[i].Position} after {received[i - 1].Position}");
            }

            foreach (var (id, position) in received)
            {
                Assert.Equal(positionOfId.TryAdd(id, position) ? position : positionOfId[id], position);
            }
        }

        output.WriteLine($"{clients.Length} clients each hold {clients.Min(c => c.Received.Count)}-{clients.Max(c => c.Received.Count)} notifications of {Stream} ({succeeded.Length} sends succeeded), in order, none twice");
    }
}
