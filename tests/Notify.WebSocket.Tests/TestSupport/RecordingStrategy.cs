using System.Collections.Concurrent;

namespace Notify.WebSocket.Tests.TestSupport;

/// <summary>A handling strategy that records what reaches it (the real strategies have their own tests).</summary>
internal sealed class RecordingStrategy : IMessageHandlingStrategy
{
    public string Name => "recording";

    public ConcurrentQueue<IncomingMessage> Handled { get; } = new();

    public ValueTask HandleAsync(IncomingMessage message, WebSocketProviderOptions options, CancellationToken cancellationToken = default)
    {
        Handled.Enqueue(message);
        return ValueTask.CompletedTask;
    }
}
