namespace Notify.WebSocket.External.Transports.SocketIo;

/// <summary>
/// SocketIOClient 3.0.6 keeps acknowledgment callbacks in a plain <c>Dictionary</c> and a plain packet counter:
/// emits add to it on the caller's thread while received acks remove from it on the receive thread, and several
/// ack'd emits in flight crash it. This gate makes the two mutually exclusive: the receive side holds it while the
/// library processes a received frame, and every emit holds it for the synchronous part of <c>EmitAsync</c>
/// (where the library registers the callback).
/// </summary>
internal sealed class FrameGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public Task EnterAsync(CancellationToken cancellationToken) => _semaphore.WaitAsync(cancellationToken);

    public void Exit() => _semaphore.Release();

    public void Dispose() => _semaphore.Dispose();
}
