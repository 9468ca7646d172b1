using System.Buffers;
using System.Text.Json;
using Notify.WebSocket.AspNetCore.SocketIo.EngineIo;
using Notify.WebSocket.AspNetCore.SocketIo.Protocol;

namespace Notify.WebSocket.AspNetCore.SocketIo.Redis;

/// <summary>
/// A broadcast in the format of <c>@socket.io/redis-adapter</c> and <c>@socket.io/redis-emitter</c>: published on the
/// channel <c>{key}#{namespace}#</c>, or <c>{key}#{namespace}#{room}#</c> for one room, as the MessagePack array
/// <c>[uid, { type, data, nsp }, { rooms, except, flags }]</c>, where <c>data</c> is the event's array (its name first).
/// </summary>
internal sealed class AdapterBroadcast
{
    private AdapterBroadcast(string uid, string @namespace, int type, byte[] data, string[] rooms, string[] except)
    {
        Uid = uid;
        Namespace = @namespace;
        Type = type;
        Data = data;
        Rooms = rooms;
        Except = except;
    }

    public string Uid { get; }

    public string Namespace { get; }

    /// <summary>The Socket.IO packet type (2 EVENT or 5 BINARY_EVENT).</summary>
    public int Type { get; }

    /// <summary>The packet's <c>data</c> as MessagePack.</summary>
    public byte[] Data { get; }

    public string[] Rooms { get; }

    public string[] Except { get; }

    /// <summary>The channel a broadcast to <paramref name="room"/> (or to everyone) is published on.</summary>
    public static string Channel(string key, string @namespace, string? room) =>
        room is null ? string.Concat(key, "#", @namespace, "#") : string.Concat(key, "#", @namespace, "#", room, "#");

    /// <summary>Encodes a broadcast of one event to one room; <paramref name="eventArrayJson"/> is the event's JSON array, its name first.</summary>
    public static byte[] Encode(string uid, string @namespace, string room, ReadOnlySpan<byte> eventArrayJson)
    {
        var buffer = new ArrayBufferWriter<byte>(eventArrayJson.Length + 64);
        var writer = new MsgPackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.WriteString(uid);
        writer.WriteMapHeader(3);
        writer.WriteString("type"u8);
        writer.WriteInteger((int)SocketIoPacketType.Event);
        writer.WriteString("data"u8);
        var reader = new Utf8JsonReader(eventArrayJson);
        using (var document = JsonDocument.ParseValue(ref reader))
        {
            MsgPackJson.FromJson(document.RootElement, writer);
        }

        writer.WriteString("nsp"u8);
        writer.WriteString(@namespace);
        writer.WriteMapHeader(3);
        writer.WriteString("rooms"u8);
        writer.WriteArrayHeader(1);
        writer.WriteString(room);
        writer.WriteString("except"u8);
        writer.WriteArrayHeader(0);
        writer.WriteString("flags"u8);
        writer.WriteMapHeader(0);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a published broadcast; throws <see cref="FormatException"/> for anything not of that shape.</summary>
    public static AdapterBroadcast Decode(ReadOnlySpan<byte> message)
    {
        var reader = new MsgPackReader(message);
        if (reader.ReadArrayHeader() < 3)
        {
            throw new FormatException("Adapter message: expected [uid, packet, options].");
        }

        var uid = reader.PeekType() == MsgPackType.String ? reader.ReadString() : SkipAndEmpty(ref reader);
        var nsp = "/";
        var type = -1;
        byte[]? data = null;
        for (var i = reader.ReadMapHeader(); i > 0; i--)
        {
            var key = reader.ReadStringBytes();
            if (key.SequenceEqual("type"u8))
            {
                type = (int)reader.ReadInteger();
            }
            else if (key.SequenceEqual("nsp"u8))
            {
                nsp = reader.ReadString();
            }
            else if (key.SequenceEqual("data"u8))
            {
                var start = reader.Position;
                reader.Skip();
                data = message[start..reader.Position].ToArray();
            }
            else
            {
                reader.Skip();
            }
        }

        string[] rooms = [];
        string[] except = [];
        for (var i = reader.ReadMapHeader(); i > 0; i--)
        {
            var key = reader.ReadStringBytes();
            if (key.SequenceEqual("rooms"u8))
            {
                rooms = ReadRooms(ref reader);
            }
            else if (key.SequenceEqual("except"u8))
            {
                except = ReadRooms(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        if (type is not ((int)SocketIoPacketType.Event or (int)SocketIoPacketType.BinaryEvent) || data is null)
        {
            throw new FormatException("Adapter message: the packet is not an event with data.");
        }

        return new AdapterBroadcast(uid, nsp, type, data, rooms, except);
    }

    /// <summary>The Socket.IO packet for local clients: the event's JSON (binary values as attachments), then the attachments.</summary>
    public EngineFrame[] ToFrames()
    {
        var attachments = new List<ReadOnlyMemory<byte>>();
        var json = new ArrayBufferWriter<byte>(Data.Length * 2);
        using (var writer = new Utf8JsonWriter(json, SocketIoPacketWriter.WriterOptions))
        {
            var reader = new MsgPackReader(Data);
            if (reader.PeekType() != MsgPackType.Array)
            {
                throw new FormatException("Adapter message: the event's data is not an array.");
            }

            MsgPackJson.ToJson(ref reader, writer, attachments);
        }

        var type = attachments.Count > 0 ? SocketIoPacketType.BinaryEvent : SocketIoPacketType.Event;
        var frames = new EngineFrame[1 + attachments.Count];
        frames[0] = EngineFrame.Text(SocketIoPacketWriter.Packet(type, Namespace, json.WrittenSpan, attachments: attachments.Count));
        for (var i = 0; i < attachments.Count; i++)
        {
            frames[i + 1] = EngineFrame.Binary(attachments[i]);
        }

        return frames;
    }

    private static string[] ReadRooms(ref MsgPackReader reader)
    {
        if (reader.PeekType() != MsgPackType.Array)
        {
            reader.Skip();
            return [];
        }

        var rooms = new string[reader.ReadArrayHeader()];
        for (var i = 0; i < rooms.Length; i++)
        {
            // Rooms are strings; the reference adapter also allows numbers (as their text).
            rooms[i] = reader.PeekType() == MsgPackType.Integer
                ? reader.ReadInteger().ToString(System.Globalization.CultureInfo.InvariantCulture)
                : reader.ReadString();
        }

        return rooms;
    }

    private static string SkipAndEmpty(ref MsgPackReader reader)
    {
        reader.Skip();
        return string.Empty;
    }
}
