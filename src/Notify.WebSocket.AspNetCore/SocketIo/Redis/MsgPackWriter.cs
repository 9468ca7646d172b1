using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Notify.WebSocket.AspNetCore.SocketIo.Redis;

/// <summary>
/// Writes the MessagePack subset the Socket.IO Redis adapter exchanges (nil, booleans, integers, float64, strings,
/// binary, arrays, maps), in the smallest format for each value as the specification recommends and as the adapter's
/// own encoder (notepack.io) does. Written from the MessagePack specification.
/// </summary>
internal sealed class MsgPackWriter(IBufferWriter<byte> output)
{
    public void WriteNil() => WriteByte(0xC0);

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)0xC3 : (byte)0xC2);

    public void WriteInteger(long value)
    {
        if (value >= 0)
        {
            if (value <= 0x7F)
            {
                WriteByte((byte)value);
            }
            else if (value <= byte.MaxValue)
            {
                WriteHeader(0xCC, (byte)value);
            }
            else if (value <= ushort.MaxValue)
            {
                WriteUInt16(0xCD, (ushort)value);
            }
            else if (value <= uint.MaxValue)
            {
                WriteUInt32(0xCE, (uint)value);
            }
            else
            {
                var span = output.GetSpan(9);
                span[0] = 0xCF;
                BinaryPrimitives.WriteUInt64BigEndian(span[1..], (ulong)value);
                output.Advance(9);
            }
        }
        else if (value >= -32)
        {
            WriteByte(unchecked((byte)value));
        }
        else if (value >= sbyte.MinValue)
        {
            WriteHeader(0xD0, unchecked((byte)value));
        }
        else if (value >= short.MinValue)
        {
            WriteUInt16(0xD1, unchecked((ushort)value));
        }
        else if (value >= int.MinValue)
        {
            WriteUInt32(0xD2, unchecked((uint)value));
        }
        else
        {
            var span = output.GetSpan(9);
            span[0] = 0xD3;
            BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
            output.Advance(9);
        }
    }

    public void WriteDouble(double value)
    {
        var span = output.GetSpan(9);
        span[0] = 0xCB;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        output.Advance(9);
    }

    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLength(length, 0xA0, 31, 0xD9, 0xDA, 0xDB);
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        output.Advance(length);
    }

    /// <summary>A string given as its UTF-8 bytes.</summary>
    public void WriteString(ReadOnlySpan<byte> utf8)
    {
        WriteLength(utf8.Length, 0xA0, 31, 0xD9, 0xDA, 0xDB);
        output.Write(utf8);
    }

    public void WriteBinary(ReadOnlySpan<byte> bytes)
    {
        WriteLength(bytes.Length, fixPrefix: 0, fixMax: -1, 0xC4, 0xC5, 0xC6);
        output.Write(bytes);
    }

    public void WriteArrayHeader(int count) => WriteLength(count, 0x90, 15, prefix8: 0, 0xDC, 0xDD);

    public void WriteMapHeader(int count) => WriteLength(count, 0x80, 15, prefix8: 0, 0xDE, 0xDF);

    private void WriteLength(int length, byte fixPrefix, int fixMax, byte prefix8, byte prefix16, byte prefix32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= fixMax)
        {
            WriteByte((byte)(fixPrefix | length));
        }
        else if (prefix8 != 0 && length <= byte.MaxValue)
        {
            WriteHeader(prefix8, (byte)length);
        }
        else if (length <= ushort.MaxValue)
        {
            WriteUInt16(prefix16, (ushort)length);
        }
        else
        {
            WriteUInt32(prefix32, (uint)length);
        }
    }

    private void WriteByte(byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private void WriteHeader(byte prefix, byte value)
    {
        var span = output.GetSpan(2);
        span[0] = prefix;
        span[1] = value;
        output.Advance(2);
    }

    private void WriteUInt16(byte prefix, ushort value)
    {
        var span = output.GetSpan(3);
        span[0] = prefix;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], value);
        output.Advance(3);
    }

    private void WriteUInt32(byte prefix, uint value)
    {
        var span = output.GetSpan(5);
        span[0] = prefix;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], value);
        output.Advance(5);
    }
}
