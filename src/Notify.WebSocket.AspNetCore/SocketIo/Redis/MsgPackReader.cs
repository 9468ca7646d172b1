using System.Buffers.Binary;
using System.Text;

namespace Notify.WebSocket.AspNetCore.SocketIo.Redis;

/// <summary>
/// Reads MessagePack values in order from a buffer, written from the MessagePack specification: every format (fixint,
/// int/uint 8–64, float 32/64, fixstr/str 8–32, bin 8–32, fixarray/array 16/32, fixmap/map 16/32, fixext/ext 8–32),
/// and the timestamp extension (type -1). Input comes from Redis, so it is untrusted: every length is checked against
/// what is left, nesting is bounded, and anything malformed throws <see cref="FormatException"/>.
/// </summary>
internal ref struct MsgPackReader(ReadOnlySpan<byte> buffer)
{
    public const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly int Position => _position;

    public readonly bool End => _position >= _buffer.Length;

    public readonly MsgPackType PeekType()
    {
        var b = Peek();
        return b switch
        {
            <= 0x7F or >= 0xE0 => MsgPackType.Integer,
            <= 0x8F => MsgPackType.Map,
            <= 0x9F => MsgPackType.Array,
            <= 0xBF => MsgPackType.String,
            0xC0 => MsgPackType.Nil,
            0xC2 or 0xC3 => MsgPackType.Boolean,
            0xC4 or 0xC5 or 0xC6 => MsgPackType.Binary,
            0xC7 or 0xC8 or 0xC9 or (>= 0xD4 and <= 0xD8) => MsgPackType.Extension,
            0xCA or 0xCB => MsgPackType.Float,
            (>= 0xCC and <= 0xD3) => MsgPackType.Integer,
            0xD9 or 0xDA or 0xDB => MsgPackType.String,
            0xDC or 0xDD => MsgPackType.Array,
            0xDE or 0xDF => MsgPackType.Map,
            _ => throw new FormatException($"MessagePack: 0x{b:X2} is not a valid type byte."),
        };
    }

    public void ReadNil()
    {
        if (Take() != 0xC0)
        {
            throw new FormatException("MessagePack: expected nil.");
        }
    }

    public bool ReadBoolean() => Take() switch
    {
        0xC2 => false,
        0xC3 => true,
        _ => throw new FormatException("MessagePack: expected a boolean."),
    };

    /// <summary>An integer; a uint64 above <see cref="long.MaxValue"/> is refused.</summary>
    public long ReadInteger()
    {
        var b = Take();
        switch (b)
        {
            case <= 0x7F:
                return b;
            case >= 0xE0:
                return unchecked((sbyte)b);
            case 0xCC:
                return Take();
            case 0xCD:
                return BinaryPrimitives.ReadUInt16BigEndian(Bytes(2));
            case 0xCE:
                return BinaryPrimitives.ReadUInt32BigEndian(Bytes(4));
            case 0xCF:
                var big = BinaryPrimitives.ReadUInt64BigEndian(Bytes(8));
                return big <= long.MaxValue ? (long)big : throw new FormatException("MessagePack: uint64 out of range.");
            case 0xD0:
                return unchecked((sbyte)Take());
            case 0xD1:
                return BinaryPrimitives.ReadInt16BigEndian(Bytes(2));
            case 0xD2:
                return BinaryPrimitives.ReadInt32BigEndian(Bytes(4));
            case 0xD3:
                return BinaryPrimitives.ReadInt64BigEndian(Bytes(8));
            default:
                throw new FormatException("MessagePack: expected an integer.");
        }
    }

    /// <summary>A float32 or float64 (integers are read with <see cref="ReadInteger"/>).</summary>
    public double ReadFloat() => Take() switch
    {
        0xCA => BinaryPrimitives.ReadSingleBigEndian(Bytes(4)),
        0xCB => BinaryPrimitives.ReadDoubleBigEndian(Bytes(8)),
        _ => throw new FormatException("MessagePack: expected a float."),
    };

    /// <summary>A string's UTF-8 bytes (not validated here).</summary>
    public ReadOnlySpan<byte> ReadStringBytes()
    {
        var b = Take();
        var length = b switch
        {
            >= 0xA0 and <= 0xBF => b & 0x1F,
            0xD9 => Take(),
            0xDA => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)),
            0xDB => Length(BinaryPrimitives.ReadUInt32BigEndian(Bytes(4))),
            _ => throw new FormatException("MessagePack: expected a string."),
        };
        return Bytes(length);
    }

    /// <summary>A string, which must be valid UTF-8.</summary>
    public string ReadString()
    {
        var bytes = ReadStringBytes();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new FormatException("MessagePack: a string is not valid UTF-8.", ex);
        }
    }

    public ReadOnlySpan<byte> ReadBinary()
    {
        var length = Take() switch
        {
            0xC4 => Take(),
            0xC5 => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)),
            0xC6 => Length(BinaryPrimitives.ReadUInt32BigEndian(Bytes(4))),
            _ => throw new FormatException("MessagePack: expected binary."),
        };
        return Bytes(length);
    }

    public int ReadArrayHeader()
    {
        var b = Take();
        var count = b switch
        {
            >= 0x90 and <= 0x9F => b & 0x0F,
            0xDC => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)),
            0xDD => Length(BinaryPrimitives.ReadUInt32BigEndian(Bytes(4))),
            _ => throw new FormatException("MessagePack: expected an array."),
        };

        // Every element takes at least one byte: a count beyond what is left is a lie.
        return count <= _buffer.Length - _position ? count : throw new FormatException("MessagePack: array longer than the message.");
    }

    public int ReadMapHeader()
    {
        var b = Take();
        var count = b switch
        {
            >= 0x80 and <= 0x8F => b & 0x0F,
            0xDE => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)),
            0xDF => Length(BinaryPrimitives.ReadUInt32BigEndian(Bytes(4))),
            _ => throw new FormatException("MessagePack: expected a map."),
        };
        return count <= (_buffer.Length - _position) / 2 ? count : throw new FormatException("MessagePack: map longer than the message.");
    }

    /// <summary>An extension value: its type, and its data in <paramref name="data"/>.</summary>
    public sbyte ReadExtension(out ReadOnlySpan<byte> data)
    {
        var b = Take();
        var length = b switch
        {
            0xD4 => 1,
            0xD5 => 2,
            0xD6 => 4,
            0xD7 => 8,
            0xD8 => 16,
            0xC7 => Take(),
            0xC8 => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)),
            0xC9 => Length(BinaryPrimitives.ReadUInt32BigEndian(Bytes(4))),
            _ => throw new FormatException("MessagePack: expected an extension."),
        };
        var type = unchecked((sbyte)Take());
        data = Bytes(length);
        return type;
    }

    /// <summary>Reads the timestamp extension (type -1) in any of its three sizes.</summary>
    public static DateTimeOffset Timestamp(ReadOnlySpan<byte> data)
    {
        long seconds;
        long nanoseconds;
        switch (data.Length)
        {
            case 4:
                seconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                nanoseconds = 0;
                break;
            case 8:
                var value = BinaryPrimitives.ReadUInt64BigEndian(data);
                nanoseconds = (long)(value >> 34);
                seconds = (long)(value & 0x3_FFFF_FFFF);
                break;
            case 12:
                nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                seconds = BinaryPrimitives.ReadInt64BigEndian(data[4..]);
                break;
            default:
                throw new FormatException("MessagePack: a timestamp has 4, 8 or 12 bytes.");
        }

        if (nanoseconds > 999_999_999 || seconds is < -62135596800 or > 253402300799)
        {
            throw new FormatException("MessagePack: timestamp out of range.");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 100);
    }

    /// <summary>Skips one value, whatever it is (containers with everything in them, to <see cref="MaxDepth"/>).</summary>
    public void Skip(int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException("MessagePack: nested too deeply.");
        }

        switch (PeekType())
        {
            case MsgPackType.Nil:
            case MsgPackType.Boolean:
                _position++;
                break;
            case MsgPackType.Integer:
                ReadInteger();
                break;
            case MsgPackType.Float:
                ReadFloat();
                break;
            case MsgPackType.String:
                ReadStringBytes();
                break;
            case MsgPackType.Binary:
                ReadBinary();
                break;
            case MsgPackType.Extension:
                ReadExtension(out _);
                break;
            case MsgPackType.Array:
                for (var i = ReadArrayHeader(); i > 0; i--)
                {
                    Skip(depth + 1);
                }

                break;
            default:
                for (var i = ReadMapHeader() * 2; i > 0; i--)
                {
                    Skip(depth + 1);
                }

                break;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static int Length(uint length) => length <= int.MaxValue ? (int)length : throw new FormatException("MessagePack: length out of range.");

    private readonly byte Peek() => _position < _buffer.Length ? _buffer[_position] : throw new FormatException("MessagePack: the message ends early.");

    private byte Take()
    {
        var b = Peek();
        _position++;
        return b;
    }

    private ReadOnlySpan<byte> Bytes(int count)
    {
        if (count < 0 || count > _buffer.Length - _position)
        {
            throw new FormatException("MessagePack: the message ends early.");
        }

        var bytes = _buffer.Slice(_position, count);
        _position += count;
        return bytes;
    }
}
