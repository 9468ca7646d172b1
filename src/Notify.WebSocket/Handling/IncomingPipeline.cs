using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Notify.WebSocket.Diagnostics;

namespace Notify.WebSocket.Handling;

/// <summary>
/// Hands incoming messages to a tenant's handling strategies off the socket's receive loop, through a bounded queue,
/// so a slow sink never stalls the connection. Strategies run concurrently per message; a failing one does not stop
/// the others, and each outcome is logged.
/// </summary>
internal sealed class IncomingPipeline : IAsyncDisposable
{
    public const int DefaultCapacity = 10_000;

    private readonly Channel<IncomingMessage> _queue;
    private readonly IReadOnlyList<IMessageHandlingStrategy> _strategies;
    private readonly WebSocketProviderOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _consumer;

    public IncomingPipeline(IReadOnlyList<IMessageHandlingStrategy> strategies, WebSocketProviderOptions options, ILogger logger, int capacity = DefaultCapacity)
    {
        _strategies = strategies;
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<IncomingMessage>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _consumer = Task.Run(ConsumeAsync);
    }

    public IReadOnlyList<IMessageHandlingStrategy> Strategies => _strategies;

    public bool TryEnqueue(IncomingMessage message)
    {
        if (_queue.Writer.TryWrite(message))
        {
            return true;
        }

        ExternalTelemetry.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "handling-queue-full"));
        Log.IncomingQueueFull(_logger, message.Id, message.Event, message.TenantId);
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            // Queued messages still get handled; a stuck sink is cut off after a grace period.
            await _consumer.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task ConsumeAsync()
    {
        await foreach (var message in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (_strategies.Count == 1)
            {
                await RunAsync(_strategies[0], message).ConfigureAwait(false);
            }
            else
            {
                await Task.WhenAll(_strategies.Select(s => RunAsync(s, message))).ConfigureAwait(false);
            }
        }
    }

    private async Task RunAsync(IMessageHandlingStrategy strategy, IncomingMessage message)
    {
        try
        {
            await strategy.HandleAsync(message, _options, _stopping.Token).ConfigureAwait(false);
            Log.StrategyHandled(_logger, strategy.Name, message.Id, message.Event);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.StrategyFailed(_logger, ex, strategy.Name, message.Id, message.Event, message.TenantId);
        }
    }
}
