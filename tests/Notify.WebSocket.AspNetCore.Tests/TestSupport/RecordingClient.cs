using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>
/// A light SignalR client for crash tests with hundreds of clients: records the id and position of every notification
/// it receives, in order, and reconnects (a new connection, as a browser after a restart) from the last position it saw.
/// </summary>
internal sealed class RecordingClient : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<(string Id, long Position)> _received = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HubConnection? _connection;

    public RecordingClient(string userId) => UserId = userId;

    public string UserId { get; }

    public IReadOnlyList<(string Id, long Position)> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Connects with the positions seen so far and waits until the server has joined it to its default channel.</summary>
    public async Task ConnectAsync(Uri hubUrl, string token)
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        string positions;
        lock (_gate)
        {
            positions = JsonSerializer.Serialize(_positions);
        }

        var url = new Uri(hubUrl + "?positions=" + Uri.EscapeDataString(positions));
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<JsonElement>("channel:joined", _ => joined.TrySetResult());
        connection.On<JsonElement>("notification:new", Record);
        _connection = connection;
        await connection.StartAsync().WaitAsync(GatewayClient.Timeout);
        await joined.Task.WaitAsync(GatewayClient.Timeout);
    }

    /// <summary>Completes once every id of <paramref name="ids"/> was received (each notification wakes it; no polling).</summary>
    public async Task ReceivedAllAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (ids.All(_ids.Contains))
                {
                    return;
                }

                next = _changed.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>How many of <paramref name="ids"/> were received, for a timeout's message.</summary>
    public int CountOf(IReadOnlyCollection<string> ids)
    {
        lock (_gate)
        {
            return ids.Count(_ids.Contains);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private void Record(JsonElement notification)
    {
        var stream = notification.GetProperty("stream").GetString()!;
        var position = notification.GetProperty("position").GetInt64();
        var id = notification.GetProperty("id").GetString()!;
        TaskCompletionSource received;
        lock (_gate)
        {
            _received.Add((id, position));
            _ids.Add(id);
            _positions[stream] = position;
            received = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        received.TrySetResult();
    }
}
