using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.Tests.TestSupport;

/// <summary>A handling strategy that records what reaches it (the real strategies have their own tests).</summary>
internal sealed class RecordingStrategy : IMessageHandlingStrategy<RecordingStrategy.Settings>
{
    public const string Name = "recording";

    public ConcurrentQueue<IncomingMessage> Handled { get; } = new();

    public void AddTo(IWebSocketNotificationsBuilder builder) => builder.AddHandlingStrategy<Settings>(Name, _ => this, static (_, _) => { });

    public ValueTask HandleAsync(IncomingMessage message, Settings options, CancellationToken cancellationToken = default)
    {
        Handled.Enqueue(message);
        return ValueTask.CompletedTask;
    }

    /// <summary>No settings of its own.</summary>
    internal sealed class Settings;
}
