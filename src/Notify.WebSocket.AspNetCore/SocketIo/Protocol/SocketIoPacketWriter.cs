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

    /// <summary>Writes a packet whose payload <paramref name="write"/> writes (with <paramref name="state"/>), on this thread's writer.</summary>
    /// <returns>The packet's bytes, an Engine.IO text message.</returns>
    public static byte[] Build<TState>(SocketIoPacketType type, string @namespace, long? id, int attachments, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var writer = Rent();
        try
        {
            writer._buffer.ResetWrittenCount();
            writer.WriteHeader(type, @namespace, id, attachments);
            writer._json.Reset(writer._buffer);
            write(writer._json, state);
            writer._json.Flush();
            return writer._buffer.WrittenSpan.ToArray();
        }
        finally
        {
            writer._inUse = false;
        }
    }

    private static SocketIoPacketWriter Rent()
    {
        var writer = t_instance;
        if (writer is null || writer._inUse)
        {
            // Re-entrant use (a payload whose serialization writes another packet): a writer of its own.
            writer = new SocketIoPacketWriter();
            t_instance ??= writer;
        }

        writer._inUse = true;
        return writer;
    }

    /// <summary>A packet whose payload is given as JSON bytes (or none).</summary>
    public static byte[] Packet(SocketIoPacketType type, string @namespace, ReadOnlySpan<byte> json, long? id = null, int attachments = 0)
    {
        var writer = Rent();
        try
        {
            writer._buffer.ResetWrittenCount();
            writer.WriteHeader(type, @namespace, id, attachments);
            writer._buffer.Write(json);
            return writer._buffer.WrittenSpan.ToArray();
        }
        finally
        {
            writer._inUse = false;
        }
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
