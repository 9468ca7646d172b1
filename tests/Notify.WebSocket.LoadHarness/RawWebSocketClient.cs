using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// The baseline a team would write by hand: a bare <see cref="ClientWebSocket"/>, one send at a time behind a lock,
/// and (for acks and queries) a receive loop completing waiters by id.
/// </summary>
internal sealed class RawWebSocketClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new();
    private Task _receive = Task.CompletedTask;

    public static async Task<RawWebSocketClient> ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        var client = new RawWebSocketClient();
        await client._socket.ConnectAsync(url, cancellationToken).ConfigureAwait(false);
        client._receive = Task.Run(client.ReceiveLoopAsync, CancellationToken.None);
        return client;
    }

    public async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a frame carrying <paramref name="id"/> and waits for the server's ack or response with that id.</summary>
    public async Task RoundTripAsync(string id, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = done;
        await SendAsync(frame, cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
        }

        _socket.Abort();
        await _receive.ConfigureAwait(false);
        _socket.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                using var document = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                if (document.RootElement.TryGetProperty("id", out var id) && _waiting.TryRemove(id.GetString()!, out var waiter))
                {
                    waiter.TrySetResult();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Aborted at dispose.
        }
    }
}
