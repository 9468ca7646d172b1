using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notify.WebSocket.Inbox;
using Notify.WebSocket.Tests.TestSupport;

namespace Notify.WebSocket.Tests.Inbox;

/// <summary>The <c>Notifications:Inbox</c> section as a host reads it: what is wrong is named by key path, with the fix.</summary>
public sealed class InboxOptionsValidationTests
{
    [Theory]
    [InlineData("""{ "databasePath": "/tmp/" }""", "Notifications:Inbox:databasePath: it names a folder, not a file")]
    [InlineData("""{ "databasePath": "/tmp" }""", "Notifications:Inbox:databasePath: it names a folder, not a file")]
    [InlineData("""{ "databasePath": "bad\u0000name.db" }""", "Notifications:Inbox:databasePath: it is not a valid file path")]
    [InlineData("""{ "databasePath": "/proc/inbox.db" }""", "Notifications:Inbox:databasePath: ")]
    [InlineData("""{ "databaseProvider": "mysql" }""", "Notifications:Inbox:databaseProvider is \"mysql\"; use \"sqlite\" or \"postgresql\".")]
    [InlineData("""{ "databaseProvider": "postgresql" }""", "Notifications:Inbox:connectionString is required when databaseProvider is \"postgresql\"")]
    [InlineData("""{ "tablePrefix": "a-b" }""", "Notifications:Inbox:tablePrefix is \"a-b\"; use letters, digits and _")]
    [InlineData("""{ "maxAge": "-1" }""", "Notifications:Inbox:maxAge is -1.00:00:00; it must be a positive duration")]
    [InlineData("""{ "maxPerStream": 0 }""", "Notifications:Inbox:maxPerStream is 0; it must be between 1 and")]
    [InlineData("""{ "replayBatchSize": "many" }""", "Notifications:Inbox:replayBatchSize")]
    [InlineData("""{ "databaseProvider": "postgresql", "connectionString": "Host=127.0.0.1;Port=abc" }""", "Notifications:Inbox:connectionString: its ADO.NET provider refuses it (")]
    [InlineData("""{ "databaseProvider": "postgresql", "connectionString": "Host=127.0.0.1;Porrt=5432" }""", "Notifications:Inbox:connectionString: its ADO.NET provider refuses it (")]
    [InlineData("""{ "connectionString": "Data Sorce=inbox.db" }""", "Notifications:Inbox:connectionString: its ADO.NET provider refuses it (")]
    [InlineData("""{ "connectionString": "Data Source=/proc/inbox.db;Password=s3cret" }""", "Notifications:Inbox:connectionString: its Data Source /proc/inbox.db: the folder /proc cannot be written to")]
    [InlineData("""{ "connectionString": "Data Source=/tmp" }""", "Notifications:Inbox:connectionString: its Data Source /tmp: it names a folder, not a file")]
    [InlineData("""{ "connectionString": "Data Source=file:/tmp?mode=rwc" }""", "Notifications:Inbox:connectionString: its Data Source /tmp: it names a folder, not a file")]
    [InlineData("""{ "connectionString": "Data Source=file://localhost/proc/in%62ox.db;Password=s3cret" }""", "Notifications:Inbox:connectionString: its Data Source /proc/inbox.db: the folder /proc cannot be written to")]
    public void ABadSetting_FailsValidation_NamingItsKeyPathAndTheFix(string section, string expected)
    {
        using var services = Services(section);

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<NotificationInboxOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=abc;Password=s3cret-pass")]
    [InlineData("Host=127.0.0.1;Password='s3cret-pass;Port=abc")]
    [InlineData("Host=127.0.0.1;SSL Mode=bogus;Password=\"s3cret-pass\"")]
    public void ARefusedConnectionString_IsReported_WithoutItsPassword(string connectionString)
    {
        using var services = Services($$"""{ "databaseProvider": "postgresql", "connectionString": {{System.Text.Json.JsonSerializer.Serialize(connectionString)}} }""");

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<NotificationInboxOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.StartsWith("Notifications:Inbox:connectionString: its ADO.NET provider refuses it", StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret-pass", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=file:inbox?mode=memory&cache=shared")]
    [InlineData("Data Source={tmp}/inbox.db;Password=s3cret")]
    [InlineData("Data Source=/proc/inbox.db;Mode=ReadOnly")]
    [InlineData("Data Source=file:/proc/inbox.db?mode=ro")]
    [InlineData("Data Source=file:/proc/inbox.db?immutable=1")]
    [InlineData("Data Source=file:{tmp}/inbox.db?cache=shared")]
    public void ASqliteConnectionStringToAWritableFileOrNoFile_Passes(string connectionString)
    {
        var text = connectionString.Replace("{tmp}", Path.GetTempPath().TrimEnd('/'), StringComparison.Ordinal);
        using var services = Services($$"""{ "connectionString": {{System.Text.Json.JsonSerializer.Serialize(text)}} }""");

        var options = services.GetRequiredService<IOptions<NotificationInboxOptions>>().Value;

        Assert.Equal(text, options.ConnectionString);
    }

    [Theory]
    [InlineData("""{ "databasePath": "" }""")]
    [InlineData("""{ "databasePath": "  " }""")]
    public void AnEmptyDatabasePath_MeansTheDefaultFile(string section)
    {
        using var services = Services(section);

        var options = services.GetRequiredService<IOptions<NotificationInboxOptions>>().Value;

        Assert.Equal(Path.GetFullPath(InboxStoreFactory.DefaultSqlitePath), InboxStoreFactory.SqlitePath(options));
    }

    private static ServiceProvider Services(string inboxSection)
    {
        var configuration = TestServices.Configuration($$"""{ "Notifications": { "WebSocket": { "mode": "internal" }, "Inbox": {{inboxSection}} } }""");
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging();
        collection.AddWebSocketNotifications(configuration.GetSection("Notifications:WebSocket")).AddNotificationInbox().AddSqlite()
            .AddDatabaseProvider("postgresql", Npgsql.NpgsqlFactory.Instance);
        return collection.BuildServiceProvider();
    }
}
