using Notify.WebSocket.Handling.Spool;
using Notify.WebSocket.Handling.Spool.AppendLog;
using Notify.WebSocket.Handling.Tests.TestSupport;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling.Tests;

/// <summary>The default spool, an append-only log, as the pipeline uses it: through the core's <see cref="SharedSpool"/> (claims and JSON).</summary>
public sealed class LogSpoolTests
{
    private static SpoolEntry Entry(string id) => new("t@o", Messages.Create(id));

    [Fact]
    public void Apply_KeepsOutcomesPerMessage_DuplicatesAndCapacity_AndWhatIsLeftSurvivesReopening()
    {
        using var files = new TempFiles();
        var folder = files.Path("spool");
        var log = new LogSpool(folder);
        using (var spool = new SharedSpool(folder, log))
        {
            var first = spool.Apply([Entry("a"), Entry("b"), Entry("a")], [], [], capacity: 5);
            Assert.Equal([SpoolInsertOutcome.Stored, SpoolInsertOutcome.Stored, SpoolInsertOutcome.Duplicate], first);

            var second = spool.Apply([Entry("b"), Entry("c"), Entry("d"), Entry("e"), Entry("f")], [], [], capacity: 5);
            Assert.Equal([SpoolInsertOutcome.Duplicate, SpoolInsertOutcome.Stored, SpoolInsertOutcome.Stored, SpoolInsertOutcome.Stored, SpoolInsertOutcome.Full], second);
            Assert.Equal(5, log.Count);

            Assert.Empty(spool.Apply([], [], [.. new[] { "a", "c", "e", "nope" }.Select(Entry)], capacity: 5));
            Assert.Equal(2, log.Count);
        }

        // What is left is readable by a later pipeline, in the order it arrived, the message as it went in.
        using var reopened = new SharedSpool(folder, new LogSpool(folder));
        var pending = reopened.ClaimPending("t@o");
        Assert.Equal(["b", "d"], pending.Select(e => e.Message.Id));
        Assert.Equal("hello", pending[0].Message.Data.GetProperty("text").GetString());
        Assert.Equal("2025-01-08T18:59:59.000Z", pending[0].Message.Metadata["serverTimestamp"]);
        Assert.Equal("tenant-7", pending[0].Message.TenantId);
        Assert.Equal(Messages.Create("b").Timestamp, pending[0].Message.Timestamp);
    }

    [Fact]
    public void Progress_IsStoredAndReadBack_AndClaimedMessagesAreNotHandedOutTwice()
    {
        using var files = new TempFiles();
        var folder = files.Path("spool");
        using var spool = new SharedSpool(folder, new LogSpool(folder));
        var entry = Entry("p-1");
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

    [Fact]
    public void ATornWriteAtTheEnd_IsCutOff_AndTheLogGoesOnFromThere()
    {
        using var files = new TempFiles();
        var folder = files.Path("spool");
        using (var spool = new SharedSpool(folder, new LogSpool(folder)))
        {
            spool.Apply([Entry("kept-1"), Entry("kept-2")], [], [], capacity: 10);
            spool.Apply([Entry("torn")], [], [], capacity: 10);
        }

        // A crash in the middle of the last write: its record is cut short.
        var segment = Directory.EnumerateFiles(folder, "*.log").Single();
        var length = new FileInfo(segment).Length;
        using (var file = File.OpenWrite(segment))
        {
            file.SetLength(length - 7);
        }

        using (var spool = new SharedSpool(folder, new LogSpool(folder)))
        {
            Assert.Equal(["kept-1", "kept-2"], spool.ClaimPending("t@o").Select(e => e.Message.Id));
            spool.Apply([Entry("after")], [], [], capacity: 10);
        }

        using var reopened = new SharedSpool(folder, new LogSpool(folder));
        Assert.Equal(["kept-1", "kept-2", "after"], reopened.ClaimPending("t@o").Select(e => e.Message.Id));
    }

    [Fact]
    public void Segments_AreDeletedWhenNothingInThemIsPending_AndOneKeptAliveByOldMessagesIsCompacted()
    {
        using var files = new TempFiles();
        var folder = files.Path("spool");
        var log = new LogSpool(folder, segmentSize: 4 * 1024);
        using var spool = new SharedSpool(folder, log);
        var slow = Entry("slow");
        spool.Apply([slow], [], [], capacity: 100_000);

        // Thousands of messages come and go; the slow one stays pending all along.
        for (var batch = 0; batch < 100; batch++)
        {
            var entries = Enumerable.Range(0, 20).Select(i => Entry($"m-{batch}-{i}")).ToList();
            spool.Apply(entries, [], [], capacity: 100_000);
            spool.Apply([], [], entries, capacity: 100_000);
            Assert.InRange(log.SegmentCount, 1, 5);
        }

        Assert.Equal(1, log.Count);
        Assert.InRange(Directory.EnumerateFiles(folder, "*.log").Count(), 1, 5);
        spool.Unclaim([slow]);
        Assert.Equal("slow", Assert.Single(spool.ClaimPending("t@o")).Message.Id);

        using var reopened = new SharedSpool(folder, new LogSpool(folder));
        Assert.Equal("slow", Assert.Single(reopened.ClaimPending("t@o")).Message.Id);
    }
}
