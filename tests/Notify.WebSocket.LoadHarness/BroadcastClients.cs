using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Notify.WebSocket.LoadHarness;

/// <summary>
/// SignalR .NET clients joined to one channel of a <see cref="HarnessSignalRHost"/>, counting what they receive. A round
/// sends a batch of broadcasts and ends when every client received every one, so delivery is what is timed.
/// </summary>
internal sealed class BroadcastClients : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private long _received;
    private long _target = long.MaxValue;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count => _connections.Count;

    public static async Task<BroadcastClients> ConnectAsync(Uri hubUrl, int count, string channel, CancellationToken cancellationToken)
    {
        var clients = new BroadcastClients();
        for (var i = 0; i < count; i++)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(hubUrl, o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .Build();
            var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.On<object>("channel:joined", _ => joined.TrySetResult());
            connection.On<object>("notification:new", _ => clients.Received());
            await connection.StartAsync(cancellationToken).ConfigureAwait(false);
            clients._connections.Add(connection);
            await connection.InvokeAsync("channel:join", new { channelName = channel }, cancellationToken).ConfigureAwait(false);
            await joined.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }

        return clients;
    }

    /// <summary>Rounds of <paramref name="perRound"/> broadcasts, <paramref name="concurrency"/> in flight, until <paramref name="duration"/> passed; counts deliveries.</summary>
    public async Task<Measurement> RoundsAsync(TimeSpan duration, int perRound, int concurrency, Func<CancellationToken, Task> broadcast, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long deliveries = 0;
        do
        {
            Interlocked.Exchange(ref _received, 0);
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _target, (long)perRound * Count);
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= perRound)
                {
                    await broadcast(cancellationToken).ConfigureAwait(false);
                }
            })).ConfigureAwait(false);
            await _done.Task.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
            deliveries += (long)perRound * Count;
        }
        while (clock.Elapsed < duration);

        return new Measurement(deliveries, clock.Elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Received()
    {
        if (Interlocked.Increment(ref _received) == Volatile.Read(ref _target))
        {
            _done.TrySetResult();
        }
    }
}
