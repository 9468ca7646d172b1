using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Notify.WebSocket.Storage;

namespace Notify.WebSocket.Handling.Spool.AppendLog;

/// <summary>
/// One record of the spool log, framed so a torn write is found on reading: <c>[u32 body length][u32 CRC-32C of the
/// body][body]</c>, all little-endian. The body is a type byte, then the owner and id (u16 length + UTF-8), then per type:
/// an insert carries the attempts (i32), the progress (u16 + UTF-8) and the message (u32 + bytes); an update the
/// attempts and the progress; a removal nothing more.
/// </summary>
internal static class LogRecord
{
    public const int HeaderSize = 8;

    /// <summary>A body longer than this is a corrupt length, not a record (a message is capped far below it).</summary>
    public const int MaxBodySize = 64 * 1024 * 1024;

    /// <returns>Where the message starts, counted from the record's start.</returns>
    public static int WriteInsert(ArrayBufferWriter<byte> buffer, SpoolKey key, int attempts, string progress, ReadOnlySpan<byte> message) =>
        Write(buffer, LogRecordType.Insert, key, attempts, progress, message);

    public static void WriteUpdate(ArrayBufferWriter<byte> buffer, SpoolKey key, int attempts, string progress) =>
        _ = Write(buffer, LogRecordType.Update, key, attempts, progress, default);

    public static void WriteRemoval(ArrayBufferWriter<byte> buffer, SpoolKey key) =>
        _ = Write(buffer, LogRecordType.Removal, key, 0, string.Empty, default);

    /// <summary>Reads the record at the start of <paramref name="data"/>.</summary>
    /// <returns>False when <paramref name="data"/> does not start with a whole, intact record (a torn or corrupt tail).</returns>
    public static bool TryRead(ReadOnlySpan<byte> data, out ParsedRecord record, out int size)
    {
        record = default;
        size = 0;
        if (data.Length < HeaderSize)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (length is 0 or > MaxBodySize || data.Length - HeaderSize < length)
        {
            return false;
        }

        var body = data.Slice(HeaderSize, (int)length);
        if (Crc32C(body) != BinaryPrimitives.ReadUInt32LittleEndian(data[4..]))
        {
            return false;
        }

        try
        {
            record = Parse(body);
        }
        catch (ArgumentOutOfRangeException)
        {
            // An intact checksum over a body that does not parse: not a record this version wrote.
            return false;
        }

        size = HeaderSize + (int)length;
        return record.Type is LogRecordType.Insert or LogRecordType.Update or LogRecordType.Removal;
    }

    private static ParsedRecord Parse(ReadOnlySpan<byte> body)
    {
        var type = (LogRecordType)body[0];
        var position = 1;
        var owner = ReadString(body, ref position);
        var id = ReadString(body, ref position);
        var attempts = 0;
        var progress = string.Empty;
        var messageOffset = 0;
        var messageLength = 0;
        if (type is LogRecordType.Insert or LogRecordType.Update)
        {
            attempts = BinaryPrimitives.ReadInt32LittleEndian(body[position..]);
            position += 4;
            progress = ReadString(body, ref position);
        }

        if (type == LogRecordType.Insert)
        {
            messageLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[position..]);
            position += 4;
            messageOffset = HeaderSize + position;
        }
        return new ParsedRecord(type, new SpoolKey(owner, id), attempts, progress, messageOffset, messageLength);
    }

    /// <summary>CRC-32C (Castagnoli) with the processor's instruction where it has one.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    private static int Write(ArrayBufferWriter<byte> buffer, LogRecordType type, SpoolKey key, int attempts, string progress, ReadOnlySpan<byte> message)
    {
        var hasProgress = type is LogRecordType.Insert or LogRecordType.Update;
        var length = 1 + StringSize(key.Owner) + StringSize(key.Id)
            + (hasProgress ? 4 + StringSize(progress) : 0)
            + (type == LogRecordType.Insert ? 4 + message.Length : 0);
        var span = buffer.GetSpan(HeaderSize + length);
        var body = span.Slice(HeaderSize, length);
        body[0] = (byte)type;
        var position = 1;
        WriteString(body, ref position, key.Owner);
        WriteString(body, ref position, key.Id);
        if (hasProgress)
        {
            BinaryPrimitives.WriteInt32LittleEndian(body[position..], attempts);
            position += 4;
            WriteString(body, ref position, progress);
        }

        if (type == LogRecordType.Insert)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(body[position..], (uint)message.Length);
            position += 4;
            message.CopyTo(body[position..]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32C(body));
        buffer.Advance(HeaderSize + length);
        return HeaderSize + position;
    }

    private static int StringSize(string value)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > ushort.MaxValue)
        {
            throw new ArgumentException($"A spooled owner, id or progress is limited to {ushort.MaxValue} UTF-8 bytes.", nameof(value));
        }

        return 2 + bytes;
    }

    private static void WriteString(Span<byte> body, ref int position, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, body[(position + 2)..]);
        BinaryPrimitives.WriteUInt16LittleEndian(body[position..], (ushort)written);
        position += 2 + written;
    }

    private static string ReadString(ReadOnlySpan<byte> body, ref int position)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(body[position..]);
        var value = Encoding.UTF8.GetString(body.Slice(position + 2, length));
        position += 2 + length;
        return value;
    }
}

internal enum LogRecordType : byte
{
    Insert = 1,
    Update = 2,
    Removal = 3,
}

/// <summary>A record as read back; an insert's message is <see cref="MessageLength"/> bytes at <see cref="MessageOffset"/> from the record's start.</summary>
internal readonly record struct ParsedRecord(LogRecordType Type, SpoolKey Key, int Attempts, string Progress, int MessageOffset, int MessageLength);
