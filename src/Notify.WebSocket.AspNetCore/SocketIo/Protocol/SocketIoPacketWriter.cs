using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Notify.WebSocket.AspNetCore.SocketIo.Protocol;

/// <summary>
/// Writes server packets straight to the bytes of an Engine.IO text message:
/// <c>4&lt;type&gt;[&lt;n&gt;-][&lt;namespace&gt;,][&lt;id&gt;]&lt;JSON&gt;</c>. The JSON goes through a
/// <see cref="Utf8JsonWriter"/> reused per thread, into the same buffer as the header, so a packet costs one exact-size
/// array. Strings are escaped as JSON.stringify does (non-ASCII stays as is).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One writer per thread for the life of the process; it only holds managed buffers.")]
internal sealed class SocketIoPacketWriter
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static SocketIoPacketWriter? t_instance;

    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;
    private bool _inUse;

    private SocketIoPacketWriter() => _json = new Utf8JsonWriter(_buffer, WriterOptions);

    /// <summary>The JSON writer for the payload, after <see cref="Start"/>.</summary>
    public Utf8JsonWriter Json => _json;

    /// <summary>Starts a packet on this thread's writer; finish it with <see cref="ToArray"/>.</summary>
    public static SocketIoPacketWriter Start(SocketIoPacketType type, string @namespace, long? id = null, int attachments = 0)
    {
        var writer = t_instance;
        if (writer is null || writer._inUse)
        {
            // Re-entrant use (a payload whose serialization starts another packet): a writer of its own.
            writer = new SocketIoPacketWriter();
            t_instance ??= writer;
        }

        writer._inUse = true;
        writer._buffer.ResetWrittenCount();
        writer.WriteHeader(type, @namespace, id, attachments);
        writer._json.Reset(writer._buffer);
        return writer;
    }

    /// <summary>Ends the packet: its bytes, and the writer is free again.</summary>
    public byte[] ToArray()
    {
        _json.Flush();
        var bytes = _buffer.WrittenSpan.ToArray();
        _inUse = false;
        return bytes;
    }

    /// <summary>A packet whose payload is given as JSON bytes (or none).</summary>
    public static byte[] Packet(SocketIoPacketType type, string @namespace, ReadOnlySpan<byte> json, long? id = null, int attachments = 0)
    {
        var writer = Start(type, @namespace, id, attachments);
        writer._json.Flush();
        writer._buffer.Write(json);
        return writer.ToArray();
    }

    private void WriteHeader(SocketIoPacketType type, string @namespace, long? id, int attachments)
    {
        var span = _buffer.GetSpan(48 + (@namespace.Length * 3));
        var at = 0;
        span[at++] = (byte)'4';
        span[at++] = (byte)('0' + (int)type);
        if (type is SocketIoPacketType.BinaryEvent or SocketIoPacketType.BinaryAck)
        {
            attachments.TryFormat(span[at..], out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
            at += written;
            span[at++] = (byte)'-';
        }

        if (!string.Equals(@namespace, "/", StringComparison.Ordinal))
        {
            at += System.Text.Encoding.UTF8.GetBytes(@namespace, span[at..]);
            span[at++] = (byte)',';
        }

        if (id is { } ack)
        {
            ack.TryFormat(span[at..], out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
            at += written;
        }

        _buffer.Advance(at);
    }
}
