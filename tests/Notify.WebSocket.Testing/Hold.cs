namespace Notify.WebSocket.Testing;

/// <summary>A store call held by a test: it signals when it has reached the store, and returns once released.</summary>
public sealed class Hold
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the held read has read the store.</summary>
    public Task Read => _reached.Task;

    public Task Released => _released.Task;

    public void Reached() => _reached.TrySetResult();

    public void Release() => _released.TrySetResult();
}
