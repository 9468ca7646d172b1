using System.Threading.Channels;
using Notify.WebSocket.External;

namespace Notify.WebSocket.Tests.TestSupport;

/// <summary>Records a connection's state transitions, so a test awaits the state it needs instead of reading logs.</summary>
internal sealed class TransitionRecorder : IDisposable
{
    private readonly ExternalConnection _connection;
    private readonly Channel<ConnectionTransition> _unread = Channel.CreateUnbounded<ConnectionTransition>();
    private readonly List<ConnectionTransition> _all = [];

    public TransitionRecorder(ExternalConnection connection)
    {
        _connection = connection;
        connection.Transitioned += OnTransition;
    }

    public IReadOnlyList<ConnectionTransition> All
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    /// <summary>Waits for the next transition (after those already awaited) that matches.</summary>
    public async Task<ConnectionTransition> NextAsync(Func<ConnectionTransition, bool> match, string because, int timeoutMs = 10_000)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(timeoutMs);
        try
        {
            while (true)
            {
                var transition = await _unread.Reader.ReadAsync(timeout.Token);
                if (match(transition))
                {
                    return transition;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {timeoutMs} ms waiting until {because}; seen: {string.Join(", ", All.Select(t => t.State))}.");
        }
    }

    public Task<ConnectionTransition> NextAsync(WebSocketConnectionState state, string because, int timeoutMs = 10_000) =>
        NextAsync(t => t.State == state, because, timeoutMs);

    public void Dispose() => _connection.Transitioned -= OnTransition;

    private void OnTransition(ConnectionTransition transition)
    {
        lock (_all)
        {
            _all.Add(transition);
        }

        _unread.Writer.TryWrite(transition);
    }
}
