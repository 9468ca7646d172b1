using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Notify.WebSocket.Testing;

/// <summary>Keeps every formatted log line (with event id), to assert on what operators will read.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>How many lines each category wrote.</summary>
    public ConcurrentDictionary<string, int> LinesPerCategory { get; } = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.LinesPerCategory.AddOrUpdate(category, 1, static (_, n) => n + 1);
            owner.Lines.Enqueue($"{logLevel} {eventId.Id}: {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception.Message)}");
        }
    }
}
