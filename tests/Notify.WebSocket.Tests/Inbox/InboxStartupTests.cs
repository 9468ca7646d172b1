using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>The store is opened when the host starts: a store that can never work stops it, one that is down does not.</summary>
public sealed class InboxStartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task TablesOfAnEarlierLayout_StopTheHostAtStart_AndSendsFailNotConfigured_NamingTheTableAndTheFix() => InADatabaseAsync(async path =>
    {
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE inbox_notifications (tenant_id TEXT NOT NULL, stream TEXT NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL, payload BLOB NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, stream, position))";
            await command.ExecuteNonQueryAsync(Ct);
        }

        using var host = Build(path);
        var refused = await StoppedAtStartAsync(host);

        Assert.Contains("'inbox_notifications'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("tablePrefix", refused.Message, StringComparison.Ordinal);
    });

    /// <summary>
    /// SQLite opens a database it may not write (permissions, an immutable file) read-only without a word, and found
    /// nothing to write at start once the tables existed: the host logged "inbox ready" and every send then failed as a
    /// retryable outage. Mode=ReadOnly opens it the same way on any machine, root or not.
    /// </summary>
    [Fact]
    public Task ADatabaseThatCanOnlyBeRead_StopsTheHostAtStart_NamingTheFile() => InADatabaseAsync(async path =>
    {
        using (var first = Build(path))
        {
            await first.StartAsync(Ct);
            await first.StopAsync(Ct);
        }

        SqliteConnection.ClearAllPools();
        using var host = Build(path, $"Data Source={path};Mode=ReadOnly");
        var refused = await StoppedAtStartAsync(host);

        Assert.Contains($"The inbox database {path} can only be read", refused.Message, StringComparison.Ordinal);
    });

    [Fact]
    public Task AFreshDatabase_IsReadyOnceTheHostStarted() => InADatabaseAsync(async path =>
    {
        using var host = Build(path);
        await host.StartAsync(Ct);

        var stored = await host.Services.GetRequiredService<NotificationJournal>().AppendAsync(NotificationStreamId.ForUser("1", "alice"), Payload(), Ct);

        Assert.Equal(1, stored.Position);
        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        await host.StopAsync(Ct);
    });

    /// <summary>Starts the host, waits until it stops itself, and returns how a send is then refused (not configured, not retryable).</summary>
    private static async Task<WebSocketNotificationException> StoppedAtStartAsync(IHost host)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());

        await host.StartAsync(Ct);
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var refused = await Assert.ThrowsAsync<WebSocketNotificationException>(async () =>
            await host.Services.GetRequiredService<NotificationJournal>().AppendAsync(NotificationStreamId.ForUser("1", "alice"), Payload(), Ct));
        Assert.Equal(WebSocketErrorCodes.NotConfigured, refused.Code);
        Assert.False(refused.Retryable);
        return refused;
    }

    /// <summary>Runs <paramref name="test"/> with the path of a SQLite file in a fresh folder, deleted afterwards.</summary>
    private static async Task InADatabaseAsync(Func<string, Task> test)
    {
        var directory = Directory.CreateTempSubdirectory("notify-inbox-").FullName;
        try
        {
            await test(Path.Combine(directory, "inbox.db"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IHost Build(string databasePath, string? connectionString = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Notifications:WebSocket:mode"] = "internal" });
        builder.Services.AddWebSocketNotifications(builder.Configuration.GetSection("Notifications:WebSocket"))
            .AddNotificationInbox(o =>
            {
                o.DatabasePath = databasePath;
                o.ConnectionString = connectionString;
            })
            .AddSqlite();
        return builder.Build();
    }

    private static NotificationPayload Payload() =>
        NotificationPayload.Create(Guid.NewGuid().ToString("N"), new NotificationRecipient { UserId = "alice" }, new NotificationContent { Subject = "hello" }, DateTimeOffset.UnixEpoch);
}
