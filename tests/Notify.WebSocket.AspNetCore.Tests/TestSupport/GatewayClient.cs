using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Notify.WebSocket.AspNetCore.Tests.TestSupport;

/// <summary>A real SignalR .NET client that records every gateway event and lets a test await the next matching one.</summary>
internal sealed class GatewayClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly AwaitableLog<(string Event, JsonElement Body)> _events = new();

    private GatewayClient(HubConnection connection)
    {
        Connection = connection;
        foreach (var name in new[] { "notification:new", "channel:joined", "channel:left", "error", "notification:replayed", "inbox:updated" })
        {
            connection.On<JsonElement>(name, body => Record(name, body));
        }

        connection.Closed += ex =>
        {
            ClosedTask.TrySetResult(ex);
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    public TaskCompletionSource<Exception?> ClosedTask { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static HubConnection Build(Uri hubUrl, string? token, bool skipNegotiation = true) =>
        new HubConnectionBuilder()
            .WithUrl(hubUrl, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = skipNegotiation;
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build();

    public static async Task<GatewayClient> ConnectAsync(Uri hubUrl, string? token)
    {
        var client = new GatewayClient(Build(hubUrl, token));
        try
        {
            await client.Connection.StartAsync().WaitAsync(Timeout);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    public Task JoinAsync(string channel) => Connection.InvokeAsync("channel:join", new { channelName = channel });

    public Task LeaveAsync(string channel) => Connection.InvokeAsync("channel:leave", new { channelName = channel });

    /// <summary>Joins and waits for <c>channel:joined</c>.</summary>
    public async Task JoinedAsync(string channel)
    {
        await JoinAsync(channel);
        await NextAsync("channel:joined", b => b.GetProperty("channelName").GetString() == channel);
    }

    /// <summary>The next not yet awaited event named <paramref name="name"/> that matches, within <see cref="Timeout"/>.</summary>
    public Task<JsonElement> NextAsync(string name, Func<JsonElement, bool>? match = null) => WaitAsync(name, match, consume: true);

    /// <summary>
    /// Waits until the server has set the connection up: the hub sends <c>channel:joined</c> for the default channels at
    /// the end of <c>OnConnectedAsync</c>, which runs after the client's handshake returns. Does not consume the event.
    /// </summary>
    public Task ReadyAsync() => WaitAsync("channel:joined", match: null, consume: false);

    private async Task<JsonElement> WaitAsync(string name, Func<JsonElement, bool>? match, bool consume) =>
        (await _events.NextAsync(
            e => e.Event == name && (match is null || match(e.Body)),
            consume,
            $"\"{name}\" event",
            e => e.Event + " " + e.Body.GetRawText())).Body;

    /// <summary>The next notification whose subject is <paramref name="subject"/>.</summary>
    public Task<JsonElement> NotificationAsync(string subject) =>
        NextAsync("notification:new", b => b.GetProperty("subject").GetString() == subject);

    public IReadOnlyList<(string Event, JsonElement Body)> Received() => _events.Entries();

    public IReadOnlyList<string> NotificationSubjects() =>
        [.. Received().Where(e => e.Event == "notification:new").Select(e => e.Body.GetProperty("subject").GetString()!)];

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private void Record(string name, JsonElement body) => _events.Add((name, body.Clone()));
}
