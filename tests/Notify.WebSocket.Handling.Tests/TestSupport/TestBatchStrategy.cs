using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Notify.WebSocket.Handling.Tests.TestSupport;

/// <summary>
/// A batch-taking strategy whose outcome per message and attempt the test decides: handled (null), or the exception it
/// reports for that message. It records every batch it was given and every message it handled.
/// </summary>
internal sealed class TestBatchStrategy(string name, Func<IncomingMessage, int, Exception?>? outcome = null) : IBatchMessageHandlingStrategy<TestStrategy.Settings>
{
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public ConcurrentQueue<IReadOnlyList<string>> Batches { get; } = new();

    public ConcurrentQueue<IncomingMessage> Handled { get; } = new();

    /// <summary>Calls of the one-message method (the pipeline should use batches only).</summary>
    public int SingleCalls;

    /// <summary>Set to hold every batch until released (so messages pile up and arrive together).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int AttemptsOf(string id) => _attempts.GetValueOrDefault(id);

    public ValueTask HandleAsync(IncomingMessage message, TestStrategy.Settings options, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref SingleCalls);
        throw new InvalidOperationException("The pipeline called the one-message method of a batch strategy.");
    }

    public async ValueTask<IReadOnlyList<Exception?>?> HandleBatchAsync(IReadOnlyList<IncomingMessage> messages, TestStrategy.Settings options, CancellationToken cancellationToken = default)
    {
        Batches.Enqueue([.. messages.Select(m => m.Id)]);
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        Exception?[]? failures = null;
        for (var i = 0; i < messages.Count; i++)
        {
            var attempt = _attempts.AddOrUpdate(messages[i].Id, 1, (_, n) => n + 1);
            if (outcome?.Invoke(messages[i], attempt) is { } failure)
            {
                failures ??= new Exception?[messages.Count];
                failures[i] = failure;
            }
            else
            {
                Handled.Enqueue(messages[i]);
            }
        }

        return failures;
    }

    public void AddTo(IWebSocketNotificationsBuilder builder) => builder.AddHandlingStrategy<TestStrategy.Settings>(Name, _ => this, static (_, _) => { });
}
