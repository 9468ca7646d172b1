using System.Buffers;
using System.Buffers.Text;

namespace Notify.WebSocket.AspNetCore.SocketIo.EngineIo;

/// <summary>
/// The long-polling body format of Engine.IO v4: packets joined by the record separator <c>\x1e</c>, binary ones as
/// <c>b</c> + base64.
/// </summary>
internal static class PollingPayload
{
    public static readonly ReadOnlyMemory<byte> Ok = "ok"u8.ToArray();

    public static byte[] Encode(ReadOnlySpan<EngineFrame> frames)
    {
        var length = Math.Max(frames.Length - 1, 0);
        foreach (var frame in frames)
        {
            length += frame.IsBinary ? 1 + Base64.GetMaxEncodedToUtf8Length(frame.Data.Length) : frame.Data.Length;
        }

        var body = new byte[length];
        var at = 0;
        for (var i = 0; i < frames.Length; i++)
        {
            if (i > 0)
            {
                body[at++] = EngineIoPacketType.RecordSeparator;
            }

            var frame = frames[i];
            if (frame.IsBinary)
            {
                body[at++] = EngineIoPacketType.Base64Binary;
                Base64.EncodeToUtf8(frame.Data.Span, body.AsSpan(at), out _, out var written);
                at += written;
            }
            else
            {
                frame.Data.Span.CopyTo(body.AsSpan(at));
                at += frame.Data.Length;
            }
        }

        return body;
    }

    /// <summary>Decodes the base64 of a binary packet (without its <c>b</c>).</summary>
    public static bool TryDecodeBase64(ReadOnlySpan<byte> base64, out ReadOnlyMemory<byte> bytes)
    {
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
        if (Base64.DecodeFromUtf8(base64, buffer, out var consumed, out var written) != OperationStatus.Done || consumed != base64.Length)
        {
            bytes = default;
            return false;
        }

        bytes = buffer.AsMemory(0, written);
        return true;
    }
}
