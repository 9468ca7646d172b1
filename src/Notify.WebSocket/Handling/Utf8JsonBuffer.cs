using System.Buffers;
using System.Text.Json;

namespace Notify.WebSocket.Handling;

/// <summary>
/// Writes JSON into a per-thread buffer and writer and returns exactly the written bytes: a message's spool row and its
/// webhook payload are written per message on hot paths, where a new writer and buffer each time cost more than the JSON.
/// </summary>
internal static class Utf8JsonBuffer
{
    // A buffer grown by an unusually large message is dropped rather than kept by the thread forever.
    private const int KeepCapacity = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            write(writer, state);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > KeepCapacity)
            {
                t_buffer = null;
                t_writer = null;
            }
        }
    }
}
