using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Handling.Tests.TestSupport;
using Notify.WebSocket.Sqlite;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling.Tests;

/// <summary>The SQLite spool as the pipeline uses it: through the core's <see cref="SharedSpool"/> (claims and JSON).</summary>
public sealed class SqliteMessageSpoolTests
{
    [Fact]
    public void Apply_ManyRowsPerStatement_KeepsRowByRowOutcomes_DuplicatesAndCapacity()
    {
        using var files = new TempFiles();
        var sqlite = new SqliteMessageSpool(files.Path("spool.db"));
        using var spool = new SharedSpool(sqlite.Path, sqlite);
        SpoolEntry Entry(string id) => new("t@o", Messages.Create(id));

        // 3 is not a chunk size (chunks are powers of two), the duplicate sits inside one chunk and the capacity runs out mid-batch.
        var first = spool.Apply([Entry("a"), Entry("b"), Entry("a")], [], [], capacity: 5);
        Assert.Equal([SpoolInsertOutcome.Stored, SpoolInsertOutcome.Stored, SpoolInsertOutcome.Duplicate], first);

        var second = spool.Apply([Entry("b"), Entry("c"), Entry("d"), Entry("e"), Entry("f")], [], [], capacity: 5);
        Assert.Equal([SpoolInsertOutcome.Duplicate, SpoolInsertOutcome.Stored, SpoolInsertOutcome.Stored, SpoolInsertOutcome.Stored, SpoolInsertOutcome.Full], second);
        Assert.Equal(5, sqlite.Count);

        var removed = new[] { "a", "c", "e", "nope" }.Select(Entry).ToList();
        Assert.Empty(spool.Apply([], [], removed, capacity: 5));
        Assert.Equal(2, sqlite.Count);

        // What is left is readable by a later pipeline, byte for byte the message that went in (stored as text).
        var reopened = new SqliteMessageSpool(files.Path("spool.db"));
        using (var left = new SharedSpool(reopened.Path, reopened))
        {
            var pending = left.ClaimPending("t@o");
            Assert.Equal(["b", "d"], pending.Select(e => e.Message.Id).Order());
            Assert.Equal("hello", pending[0].Message.Data.GetProperty("text").GetString());
            Assert.Equal("2025-01-08T18:59:59.000Z", pending[0].Message.Metadata["serverTimestamp"]);
        }
    }

    [Fact]
    public void Apply_ABatchLargerThanOneStatement_StoresAndRemovesEveryRow()
    {
        using var files = new TempFiles();
        var sqlite = new SqliteMessageSpool(files.Path("spool.db"));
        using var spool = new SharedSpool(sqlite.Path, sqlite);
        var entries = Enumerable.Range(0, 1_000).Select(i => new SpoolEntry("t@o", Messages.Create("m-" + i))).ToList();

        Assert.All(spool.Apply(entries, [], [], capacity: 100_000), o => Assert.Equal(SpoolInsertOutcome.Stored, o));
        Assert.Equal(1_000, sqlite.Count);

        spool.Apply([], [], entries[..999], capacity: 100_000);
        Assert.Equal(1, sqlite.Count);
    }

    [Fact]
    public void Progress_IsStoredAndReadBack_AndClaimedMessagesAreNotHandedOutTwice()
    {
        using var files = new TempFiles();
        var sqlite = new SqliteMessageSpool(files.Path("spool.db"));
        using var spool = new SharedSpool(sqlite.Path, sqlite);
        var entry = new SpoolEntry("t@o", Messages.Create("p-1"));
        spool.Apply([entry], [], [], capacity: 10);
        entry.MarkDone("callback");
        entry.MarkDone("database");
        entry.Attempts = 3;
        spool.Apply([], [entry], [], capacity: 10);

        // The pipeline that stored it holds its claim; once given back, the next pipeline gets it with its progress.
        Assert.Empty(spool.ClaimPending("t@o"));
        spool.Unclaim([entry]);
        var resumed = Assert.Single(spool.ClaimPending("t@o"));

        Assert.True(resumed.IsDone("callback") && resumed.IsDone("database") && !resumed.IsDone("kafka"));
        Assert.Equal(3, resumed.Attempts);
        Assert.True(spool.HasPending("t@o"));
        Assert.False(spool.HasPending("other@o"));
    }
}
