using System.Buffers;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling.Spool.AppendLog;

/// <summary>
/// The default spool: an append-only log in segment files (<c>00000001.log</c>, …) in one folder. A batch is one write;
/// when it stores messages, it is flushed to disk (fsync) before <see cref="Apply"/> returns, so an accepted message
/// survives a crash of the process or of the machine. Progress and removals ride on the next write and are not
/// flushed on their own: lost in a machine crash, they only make a message be handled once more (at least once). The
/// pending messages are indexed in memory; a segment is deleted when nothing in it is pending any more, and one that
/// old, slow messages keep alive is compacted by writing them again at the end. A torn write at the end of the log (a
/// crash in the middle of a write) is found by its checksum and cut off when the log is opened.
/// </summary>
internal sealed class LogSpool : IMessageSpool
{
    /// <summary>A segment is closed once it passes this size.</summary>
    public const long DefaultSegmentSize = 16 * 1024 * 1024;

    /// <summary>Segments beyond this many make the oldest be compacted.</summary>
    private const int MaxSegments = 4;

    private readonly string _folder;
    private readonly long _segmentSize;
    private readonly Dictionary<SpoolKey, Pending> _pending = [];
    private readonly Dictionary<string, int> _pendingByOwner = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, Segment> _segments = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private Segment _active = null!;

    public LogSpool(string folder, long segmentSize = DefaultSegmentSize)
    {
        _folder = folder;
        _segmentSize = segmentSize;
        Directory.CreateDirectory(folder);
        Recover();
    }

    /// <summary>Messages pending (every owner).</summary>
    public int Count => _pending.Count;

    /// <summary>Segment files on disk.</summary>
    public int SegmentCount => _segments.Count;

    public IReadOnlyList<SpoolInsertOutcome> Apply(IReadOnlyList<SpoolInsert> inserts, IReadOnlyList<SpoolUpdate> updates, IReadOnlyList<SpoolKey> removals, long capacity)
    {
        ArgumentNullException.ThrowIfNull(inserts);
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(removals);
        _buffer.ResetWrittenCount();
        foreach (var key in removals)
        {
            if (Forget(key))
            {
                LogRecord.WriteRemoval(_buffer, key);
            }
        }

        foreach (var update in updates)
        {
            if (_pending.TryGetValue(update.Key, out var pending))
            {
                pending.Progress = update.Progress;
                pending.Attempts = update.Attempts;
                LogRecord.WriteUpdate(_buffer, update.Key, update.Attempts, update.Progress);
            }
        }

        var outcomes = new SpoolInsertOutcome[inserts.Count];
        var stored = new List<(SpoolKey Key, int MessageOffset, int Length)>();
        var storedKeys = new HashSet<SpoolKey>();
        for (var i = 0; i < inserts.Count; i++)
        {
            var insert = inserts[i];
            if (_pending.ContainsKey(insert.Key) || storedKeys.Contains(insert.Key))
            {
                outcomes[i] = SpoolInsertOutcome.Duplicate;
            }
            else if (_pending.Count + stored.Count >= capacity)
            {
                outcomes[i] = SpoolInsertOutcome.Full;
            }
            else
            {
                storedKeys.Add(insert.Key);
                var recordStart = _buffer.WrittenCount;
                stored.Add((insert.Key, recordStart + LogRecord.WriteInsert(_buffer, insert.Key, 0, string.Empty, insert.Message.Span), insert.Message.Length));
                outcomes[i] = SpoolInsertOutcome.Stored;
            }
        }

        if (_buffer.WrittenCount > 0)
        {
            // Only stored messages need the disk now: progress and removals may wait for the next flush.
            var start = Append(_buffer.WrittenSpan, durable: stored.Count > 0);
            foreach (var (key, messageOffset, length) in stored)
            {
                Index(key, new Pending(_active, start + messageOffset, length, string.Empty, 0));
            }
        }

        Compact();
        return outcomes;
    }

    public IReadOnlyList<SpooledMessage> ReadPending(string owner)
    {
        var messages = new List<SpooledMessage>();
        foreach (var (key, pending) in _pending.Where(p => p.Key.Owner == owner).OrderBy(p => p.Value.Segment.Number).ThenBy(p => p.Value.Offset))
        {
            var message = new byte[pending.Length];
            RandomAccess.Read(pending.Segment.Handle, message, pending.Offset);
            messages.Add(new SpooledMessage(key.Id, message, pending.Progress, pending.Attempts));
        }

        return messages;
    }

    public bool HasPending(string owner) => _pendingByOwner.TryGetValue(owner, out var count) && count > 0;

    public void Dispose()
    {
        foreach (var segment in _segments.Values)
        {
            segment.Dispose();
        }
    }

    private static string FileName(long number) => number.ToString("D10", CultureInfo.InvariantCulture) + ".log";

    /// <summary>Writes to the active segment (opening a new one when it is full); returns where the data starts in it.</summary>
    private long Append(ReadOnlySpan<byte> data, bool durable)
    {
        if (_active.Length >= _segmentSize)
        {
            _active.Flush();
            _active = OpenSegment(_active.Number + 1);
        }

        var start = _active.Length;
        _active.Write(data, durable);
        return start;
    }

    private void Index(SpoolKey key, Pending pending)
    {
        Forget(key);
        _pending[key] = pending;
        pending.Segment.PendingCount++;
        _pendingByOwner[key.Owner] = _pendingByOwner.GetValueOrDefault(key.Owner) + 1;
    }

    private bool Forget(SpoolKey key)
    {
        if (!_pending.Remove(key, out var pending))
        {
            return false;
        }

        pending.Segment.PendingCount--;
        if (--_pendingByOwner[key.Owner] == 0)
        {
            _pendingByOwner.Remove(key.Owner);
        }

        return true;
    }

    /// <summary>
    /// Deletes the oldest segments while nothing in them is pending; when there are still too many, writes the pending
    /// messages of the oldest again at the end (flushed to disk first) and deletes it. Only the oldest may go: a newer
    /// segment can hold the removal of a message whose insert is in an older one, and replaying the older one without
    /// it would bring the message back.
    /// </summary>
    private void Compact()
    {
        DeleteEmptyOldest();

        while (_segments.Count > MaxSegments && _segments.Values.First() is var oldest && oldest != _active)
        {
            var moved = _pending.Where(p => p.Value.Segment == oldest).OrderBy(p => p.Value.Offset).ToList();
            _buffer.ResetWrittenCount();
            var offsets = new List<(SpoolKey Key, int MessageOffset, Pending Pending)>(moved.Count);
            foreach (var (key, pending) in moved)
            {
                var message = new byte[pending.Length];
                RandomAccess.Read(oldest.Handle, message, pending.Offset);
                var recordStart = _buffer.WrittenCount;
                offsets.Add((key, recordStart + LogRecord.WriteInsert(_buffer, key, pending.Attempts, pending.Progress, message), pending));
            }

            var start = Append(_buffer.WrittenSpan, durable: true);
            foreach (var (key, messageOffset, pending) in offsets)
            {
                Index(key, new Pending(_active, start + messageOffset, pending.Length, pending.Progress, pending.Attempts));
            }

            oldest.PendingCount = 0;
            Delete(oldest);
            DeleteEmptyOldest();
        }
    }

    private void DeleteEmptyOldest()
    {
        while (_segments.Count > 1 && _segments.Values.First() is { PendingCount: 0 } empty && empty != _active)
        {
            Delete(empty);
        }
    }

    private void Delete(Segment segment)
    {
        _segments.Remove(segment.Number);
        segment.Dispose();
        File.Delete(segment.Path);
    }

    private Segment OpenSegment(long number)
    {
        var segment = new Segment(number, Path.Combine(_folder, FileName(number)));
        _segments[number] = segment;
        return segment;
    }

    /// <summary>Replays every segment in order; a torn or corrupt tail is cut off where it starts.</summary>
    private void Recover()
    {
        var numbers = Directory.EnumerateFiles(_folder, "*.log")
            .Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n > 0)
            .Order()
            .ToList();
        foreach (var number in numbers)
        {
            var segment = OpenSegment(number);
            var data = new byte[RandomAccess.GetLength(segment.Handle)];
            RandomAccess.Read(segment.Handle, data, 0);
            var position = 0;
            while (position < data.Length && LogRecord.TryRead(data.AsSpan(position), out var record, out var size))
            {
                Replay(segment, position, record);
                position += size;
            }

            segment.SetLength(position);
        }

        _active = _segments.Count > 0 ? _segments.Values.Last() : OpenSegment(1);
        Compact();
    }

    private void Replay(Segment segment, int position, ParsedRecord record)
    {
        switch (record.Type)
        {
            case LogRecordType.Insert:
                Index(record.Key, new Pending(segment, position + record.MessageOffset, record.MessageLength, record.Progress, record.Attempts));
                break;
            case LogRecordType.Update when _pending.TryGetValue(record.Key, out var pending):
                pending.Progress = record.Progress;
                pending.Attempts = record.Attempts;
                break;
            case LogRecordType.Removal:
                Forget(record.Key);
                break;
        }
    }

    /// <summary>A pending message: where its bytes are, and the progress last recorded for it.</summary>
    private sealed class Pending(Segment segment, long offset, int length, string progress, int attempts)
    {
        public Segment Segment { get; } = segment;

        public long Offset { get; } = offset;

        public int Length { get; } = length;

        public string Progress { get; set; } = progress;

        public int Attempts { get; set; } = attempts;
    }

    /// <summary>One segment file, written at its end and read at any offset.</summary>
    private sealed class Segment(long number, string path) : IDisposable
    {
        public long Number { get; } = number;

        public string Path { get; } = path;

        public SafeFileHandle Handle { get; } = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);

        public long Length { get; private set; }

        public int PendingCount { get; set; }

        /// <summary>Where the intact records end (a torn tail after it is cut off); the next record is written there.</summary>
        public void SetLength(long length)
        {
            if (RandomAccess.GetLength(Handle) != length)
            {
                RandomAccess.SetLength(Handle, length);
                RandomAccess.FlushToDisk(Handle);
            }

            Length = length;
        }

        public void Write(ReadOnlySpan<byte> data, bool durable)
        {
            RandomAccess.Write(Handle, data, Length);
            Length += data.Length;
            if (durable)
            {
                RandomAccess.FlushToDisk(Handle);
            }
        }

        public void Flush() => RandomAccess.FlushToDisk(Handle);

        public void Dispose() => Handle.Dispose();
    }
}
