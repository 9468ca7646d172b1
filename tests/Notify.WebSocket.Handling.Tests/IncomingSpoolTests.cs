using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Handling.Tests.TestSupport;

namespace Notify.WebSocket.Handling.Tests;

public sealed class IncomingSpoolTests
{
    [Fact]
    public void Apply_ManyRowsPerStatement_KeepsRowByRowOutcomes_DuplicatesAndCapacity()
    {
        using var files = new TempFiles();
        using var spool = new IncomingSpool(files.Path("spool.db"));
        SpoolEntry Entry(string id) => new("t@o", Messages.Create(id));

        // 3 is not a chunk size (chunks are powers of two), the duplicate sits inside one chunk and the capacity runs out mid-batch.
        var first = spool.Apply([Entry("a"), Entry("b"), Entry("a")], [], [], capacity: 5);
        Assert.Equal([InsertOutcome.Stored, InsertOutcome.Stored, InsertOutcome.Duplicate], first);

        var second = spool.Apply([Entry("b"), Entry("c"), Entry("d"), Entry("e"), Entry("f")], [], [], capacity: 5);
        Assert.Equal([InsertOutcome.Duplicate, InsertOutcome.Stored, InsertOutcome.Stored, InsertOutcome.Stored, InsertOutcome.SpoolFull], second);
        Assert.Equal(5, spool.Count);

        var removed = new[] { "a", "c", "e", "nope" }.Select(Entry).ToList();
        Assert.Empty(spool.Apply([], [], removed, capacity: 5));
        Assert.Equal(2, spool.Count);

        // What is left is readable by a later pipeline, byte for byte the message that went in (stored as text).
        var left = new IncomingSpool(files.Path("spool.db"));
        using (left)
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
        using var spool = new IncomingSpool(files.Path("spool.db"));
        var entries = Enumerable.Range(0, 1_000).Select(i => new SpoolEntry("t@o", Messages.Create("m-" + i))).ToList();

        Assert.All(spool.Apply(entries, [], [], capacity: 100_000), o => Assert.Equal(InsertOutcome.Stored, o));
        Assert.Equal(1_000, spool.Count);

        spool.Apply([], [], entries[..999], capacity: 100_000);
        Assert.Equal(1, spool.Count);
    }
}
