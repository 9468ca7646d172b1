using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.Handling.Tests.TestSupport;

/// <summary>A strategy whose outcome the test decides per call; it records every attempt and every success.</summary>
internal sealed class TestStrategy(string name, Func<IncomingMessage, int, bool>? succeeds = null) : IMessageHandlingStrategy<TestStrategy.Settings>
{
    private int _attempts;

    public string Name { get; } = name;

    public int Attempts => Volatile.Read(ref _attempts);

    public ConcurrentQueue<IncomingMessage> Handled { get; } = new();

    public ConcurrentQueue<IncomingMessage> Attempted { get; } = new();

    public Func<IncomingMessage, int, bool> Succeeds { get; set; } = succeeds ?? ((_, _) => true);

    public ValueTask HandleAsync(IncomingMessage message, Settings options, CancellationToken cancellationToken = default)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        Attempted.Enqueue(message);
        if (!Succeeds(message, attempt))
        {
            throw new InvalidOperationException($"{Name} is down (attempt {attempt}).");
        }

        Handled.Enqueue(message);
        return ValueTask.CompletedTask;
    }

    /// <summary>Added under its name, with no settings of its own.</summary>
    public void AddTo(IWebSocketNotificationsBuilder builder) => builder.AddHandlingStrategy<Settings>(Name, _ => this, static (_, _) => { });

    /// <summary>A test strategy has no settings.</summary>
    internal sealed class Settings;
}
